package dev.hetero.training.api.planner;

/**
 * Amounts of the resources the planner reasons about: CPU, memory, GPUs requested as the extended
 * resource nvidia.com/gpu (device plugin), and GPUs claimable through Dynamic Resource Allocation
 * (devices of complete ResourceSlices). The two GPU kinds are kept apart because a pod asks for one
 * or the other: a pool with a deviceClaim needs claimable devices, any other GPU pool nvidia.com/gpu.
 */
public record NodeResources(long cpuMillis, long memoryBytes, long gpus, long claimableGpus) {
  public static final NodeResources NONE = new NodeResources(0, 0, 0, 0);

  /** Without DRA devices. */
  public NodeResources(long cpuMillis, long memoryBytes, long gpus) {
    this(cpuMillis, memoryBytes, gpus, 0);
  }

  public NodeResources minus(NodeResources other) {
    return new NodeResources(cpuMillis - other.cpuMillis, memoryBytes - other.memoryBytes, gpus - other.gpus,
        claimableGpus - other.claimableGpus);
  }

  public NodeResources plus(NodeResources other) {
    return new NodeResources(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, gpus + other.gpus,
        claimableGpus + other.claimableGpus);
  }

  public NodeResources withClaimableGpus(long devices) {
    return new NodeResources(cpuMillis, memoryBytes, gpus, devices);
  }

  /** Every amount of the demand fits into these. */
  public boolean covers(NodeResources demand) {
    return cpuMillis >= demand.cpuMillis && memoryBytes >= demand.memoryBytes && gpus >= demand.gpus
        && claimableGpus >= demand.claimableGpus;
  }
}
