package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.NodeResources;
import dev.hetero.training.api.planner.WorkerDemand;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import java.util.List;
import java.util.Map;

/**
 * The synthetic inventory of the one-machine runner: one node "localhost". Its CPU is enough for
 * the workers the job asks for (workers time-share the cores, which is the point of running a
 * cluster's job on a laptop), or all cores when that is more; memory is the machine's; GPUs are
 * those the engine sees.
 */
public final class LocalInventory {
  public static final String NODE = "localhost";

  private LocalInventory() {
  }

  public static NodeInfo node(HeteroTrainingJobSpec spec, int cores, long memoryBytes, int gpus) {
    long requestedMillis = 0;
    long requestedMemory = 0;
    for (PoolSpec pool : spec.pools()) {
      int workers = pool.replicas() != null ? pool.replicas() : pool.minReplicas() == null ? 1 : pool.minReplicas();
      NodeResources demand = WorkerDemand.of(pool);
      requestedMillis += workers * demand.cpuMillis();
      requestedMemory += workers * demand.memoryBytes();
    }
    long cpu = Math.max(cores * 1000L, requestedMillis);
    long memory = Math.max(memoryBytes, requestedMemory);
    return new NodeInfo(NODE, Map.of(), new NodeResources(cpu, memory, gpus), NodeResources.NONE, true, List.of());
  }

  public static long physicalMemoryBytes() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }
}
