package dev.hetero.training.api;

import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.NodeResources;
import dev.hetero.training.api.planner.NodeTaint;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.BatchSpec;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.DatasetSource;
import dev.hetero.training.api.v1alpha1.DatasetSpec;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.api.v1alpha1.ModelSpec;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small builders for specs and nodes, so each test states only what it is about. */
public final class Fixtures {
  public static final long GIB = 1024L * 1024 * 1024;

  private Fixtures() {
  }

  /** The repository root (tests run with the module as working directory). */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("crds"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (a folder holding crds/)");
    }
    return dir;
  }

  public static PoolSpec cpuPool(String name, Integer replicas) {
    return new PoolSpec(name, DeviceClass.CPU, replicas, null, null, null, null, null, null, null, null, null, null, null);
  }

  public static PoolSpec gpuPool(String name, Integer replicas) {
    return new PoolSpec(name, DeviceClass.GPU, replicas, null, null, null, null, null, null, null, null, null, null, null);
  }

  public static PoolSpec autoPool(String name, DeviceClass deviceClass, int min, int max) {
    return new PoolSpec(name, deviceClass, null, min, max, null, null, null, null, null, null, null, null, null);
  }

  public static HeteroTrainingJobSpec spec(BatchSpec batch, List<PoolSpec> pools) {
    return spec(Algorithm.BIASED_LOCAL_SGD, batch, null, null, pools);
  }

  public static HeteroTrainingJobSpec spec(Algorithm algorithm, BatchSpec batch, AllocationSpec allocation,
      AggregationSpec aggregation, List<PoolSpec> pools) {
    return new HeteroTrainingJobSpec(
        new ModelSpec(ModelName.LENET),
        new DatasetSpec(DatasetName.FASHION_MNIST, new DatasetSource("/data", null, null)),
        new TrainingSpec(algorithm, 1, batch, null, null, 7L),
        allocation, null, aggregation, pools, null, null);
  }

  public static BatchSpec global(int g) {
    return new BatchSpec(g, null);
  }

  public static BatchSpec perWorker(int b) {
    return new BatchSpec(null, b);
  }

  public static NodeInfo cpuNode(String name, int cores, Map<String, String> labels) {
    return new NodeInfo(name, labels, new NodeResources(cores * 1000L, 64 * GIB, 0), NodeResources.NONE, true, List.of());
  }

  public static NodeInfo gpuNode(String name, int gpus, int cores, String product) {
    Map<String, String> labels = product == null ? Map.of() : Map.of("nvidia.com/gpu.product", product);
    return new NodeInfo(name, labels, new NodeResources(cores * 1000L, 256 * GIB, gpus), NodeResources.NONE, true, List.of());
  }

  public static NodeInfo withTaint(NodeInfo node, String key, String effect) {
    return new NodeInfo(node.name(), node.labels(), node.allocatable(), node.requested(), node.schedulable(),
        List.of(new NodeTaint(key, null, effect)));
  }
}
