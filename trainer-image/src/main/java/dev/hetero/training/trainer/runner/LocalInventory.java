package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.NodeResources;
import dev.hetero.training.api.planner.WorkerDemand;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The synthetic inventory of the one-machine runner: one node "localhost". Its CPU is enough for
 * the workers the job asks for (workers time-share the cores, which is the point of running a
 * cluster's job on a laptop), or all cores when that is more; memory is the machine's; GPUs are
 * those the engine sees, or as many as the job's GPU pools ask for when that is more: the GPU
 * workers without a device then start, find none and fail or fall back to the CPU exactly as a
 * pod would ({@link #visibleDevices}), instead of the plan refusing what the worker must decide.
 */
public final class LocalInventory {
  public static final String NODE = "localhost";

  private LocalInventory() {
  }

  public static NodeInfo node(HeteroTrainingJobSpec spec, int cores, long memoryBytes, int gpus) {
    long requestedMillis = 0;
    long requestedMemory = 0;
    long requestedGpus = 0;
    for (PoolSpec pool : spec.pools()) {
      int workers = pool.replicas() != null ? pool.replicas() : pool.minReplicas() == null ? 1 : pool.minReplicas();
      NodeResources demand = WorkerDemand.of(pool);
      requestedMillis += workers * demand.cpuMillis();
      requestedMemory += workers * demand.memoryBytes();
      requestedGpus += workers * demand.gpus();
    }
    long cpu = Math.max(cores * 1000L, requestedMillis);
    long memory = Math.max(memoryBytes, requestedMemory);
    return new NodeInfo(NODE, Map.of(), new NodeResources(cpu, memory, Math.max(gpus, requestedGpus)), NodeResources.NONE, true,
        List.of());
  }

  /**
   * CUDA_VISIBLE_DEVICES of each worker, as the device plugin's allocation would be in a cluster:
   * the GPU workers, in rank order, take the next gpusPerWorker of this machine's {@code gpus}
   * devices while there are some ("" once they run out: that worker sees no device); CPU workers
   * get "" (they must not touch a GPU).
   */
  public static Map<String, String> visibleDevices(HeteroTrainingJobSpec spec, List<PlannedWorker> workers, int gpus) {
    Map<String, String> visible = new LinkedHashMap<>();
    int next = 0;
    for (PlannedWorker w : workers.stream().sorted(Comparator.comparing(PlannedWorker::rank)).toList()) {
      if (w.deviceClass() != DeviceClass.GPU) {
        visible.put(w.worker(), "");
        continue;
      }
      long perWorker = spec.pools().stream().filter(p -> p.name().equals(w.pool())).findFirst()
          .map(p -> WorkerDemand.of(p).gpus()).orElse(1L);
      List<String> mine = new ArrayList<>();
      for (int i = 0; i < perWorker && next < gpus; i++) {
        mine.add(String.valueOf(next++));
      }
      visible.put(w.worker(), String.join(",", mine));
    }
    return visible;
  }

  public static long physicalMemoryBytes() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }
}
