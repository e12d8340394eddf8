package dev.hetero.training.api.planner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A reproducible mixed inventory for scale tests and the planner benchmark. */
public final class SyntheticCluster {
  private static final String[] PRODUCTS = {"NVIDIA-H100-80GB-HBM3", "NVIDIA-A100-SXM4-80GB", "Tesla-V100-SXM2-16GB", "Tesla-T4", "NVIDIA-L4"};

  private SyntheticCluster() {
  }

  /** One node in ten has GPUs; some carry capacity labels, some bad ones, some are cordoned or busy. */
  public static List<NodeInfo> nodes(int count, long seed) {
    Random random = new Random(seed);
    List<NodeInfo> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, String> labels = new HashMap<>();
      int gpus = 0;
      if (i % 10 == 0) {
        gpus = 1 + random.nextInt(8);
        labels.put(CapacityLabels.GPU_PRODUCT, PRODUCTS[random.nextInt(PRODUCTS.length)]);
      }
      int roll = random.nextInt(20);
      if (roll == 0) {
        labels.put(CapacityLabels.CAPACITY, Integer.toString(1 + random.nextInt(40)));
      } else if (roll == 1) {
        labels.put(CapacityLabels.CAPACITY_PER_CPU, "not-a-number");
      }
      long cores = 2 + random.nextInt(63);
      var allocatable = new NodeResources(cores * 1000, (cores * 4) << 30, gpus);
      var requested = new NodeResources(random.nextInt((int) cores) * 500L, 0, gpus > 0 ? random.nextInt(gpus) : 0);
      nodes.add(new NodeInfo(String.format("node-%05d", i), labels, allocatable, requested, random.nextInt(50) != 0, null));
    }
    return nodes;
  }
}
