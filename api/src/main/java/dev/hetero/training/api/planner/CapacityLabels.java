package dev.hetero.training.api.planner;

/** Node labels the planner reads. */
public final class CapacityLabels {
  /** Relative throughput of one worker on this node (overrides everything but the pool's capacityPerWorker). */
  public static final String CAPACITY = "training.hetero.dev/capacity";
  /** Relative throughput of one GPU of this node; times gpusPerWorker. */
  public static final String CAPACITY_PER_GPU = "training.hetero.dev/capacity-per-gpu";
  /** Relative throughput of one CPU core of this node; times cpusPerWorker. */
  public static final String CAPACITY_PER_CPU = "training.hetero.dev/capacity-per-cpu";
  /** Set by NVIDIA GPU feature discovery, e.g. NVIDIA-A100-SXM4-80GB. */
  public static final String GPU_PRODUCT = "nvidia.com/gpu.product";

  private CapacityLabels() {
  }
}
