package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Relative throughput of one worker of a pool on a node, and where the figure came from.
 * Order: the pool's explicit capacityPerWorker; the node label {@code capacity}; the
 * per-device labels; the GPU product table (GPU pools: the product a DRA ResourceSlice names, else the
 * nvidia.com/gpu.product label) or cores times the per-core factor (CPU pools). A label that does not parse as a positive finite number is ignored with a reason.
 * The pool's simulatedSlowdown divides the result.
 */
record WorkerCapacity(double value, String source) {

  static WorkerCapacity of(NodeInfo node, PoolSpec pool, PlannerConfig config, List<String> ignoredLabels) {
    WorkerCapacity base = baseCapacity(node, pool, config, ignoredLabels);
    double slowdown = pool.simulatedSlowdown() == null ? 1.0 : pool.simulatedSlowdown();
    if (slowdown != 1.0) {
      return new WorkerCapacity(base.value / slowdown, base.source + ", simulated slowdown x" + slowdown);
    }
    return base;
  }

  private static WorkerCapacity baseCapacity(NodeInfo node, PoolSpec pool, PlannerConfig config, List<String> ignored) {
    if (pool.capacityPerWorker() != null) {
      return new WorkerCapacity(pool.capacityPerWorker(), "pool " + pool.name() + " capacityPerWorker");
    }
    Map<String, String> labels = node.labels();
    Optional<Double> perWorker = positiveLabel(node, CapacityLabels.CAPACITY, ignored);
    if (perWorker.isPresent()) {
      return new WorkerCapacity(perWorker.get(), "label " + CapacityLabels.CAPACITY);
    }
    if (pool.deviceClass() == DeviceClass.GPU) {
      int gpus = pool.gpusPerWorker() == null ? 1 : pool.gpusPerWorker();
      Optional<Double> perGpu = positiveLabel(node, CapacityLabels.CAPACITY_PER_GPU, ignored);
      if (perGpu.isPresent()) {
        return new WorkerCapacity(perGpu.get() * gpus, "label " + CapacityLabels.CAPACITY_PER_GPU + " x " + gpus);
      }
      GpuFacts facts = node.gpuFacts();
      if (facts != null && facts.productName() != null) {
        Optional<Map.Entry<String, Double>> published = config.gpuEntryFor(facts.productName());
        if (published.isPresent()) {
          return new WorkerCapacity(published.get().getValue() * gpus, "GPU table " + published.get().getKey() + " x " + gpus
              + " (productName " + facts.productName() + " from " + facts.source() + ")");
        }
      }
      String product = labels.get(CapacityLabels.GPU_PRODUCT);
      Optional<Map.Entry<String, Double>> entry = config.gpuEntryFor(product);
      if (entry.isPresent()) {
        return new WorkerCapacity(entry.get().getValue() * gpus, "GPU table " + entry.get().getKey() + " x " + gpus);
      }
      if (product == null && facts != null && facts.productName() != null) {
        return new WorkerCapacity(config.unknownGpuCapacity() * gpus, "GPU product " + facts.productName() + " (from "
            + facts.source() + ") not in table, default " + config.unknownGpuCapacity() + " per GPU x " + gpus);
      }
      return new WorkerCapacity(config.unknownGpuCapacity() * gpus,
          (product == null ? "no " + CapacityLabels.GPU_PRODUCT + " label" : "GPU product " + product + " not in table")
              + ", default " + config.unknownGpuCapacity() + " per GPU x " + gpus);
    }
    int cpus = pool.cpusPerWorker() == null ? 1 : pool.cpusPerWorker();
    Optional<Double> perCpu = positiveLabel(node, CapacityLabels.CAPACITY_PER_CPU, ignored);
    if (perCpu.isPresent()) {
      return new WorkerCapacity(perCpu.get() * cpus, "label " + CapacityLabels.CAPACITY_PER_CPU + " x " + cpus);
    }
    return new WorkerCapacity(config.cpuCoreCapacity() * cpus, cpus + " cores x " + config.cpuCoreCapacity());
  }

  /** A label's value when it is a positive finite number; otherwise empty, with a reason if it was set. */
  static Optional<Double> positiveLabel(NodeInfo node, String label, List<String> ignored) {
    String raw = node.labels().get(label);
    if (raw == null) {
      return Optional.empty();
    }
    try {
      double value = Double.parseDouble(raw.trim());
      if (value > 0 && Double.isFinite(value)) {
        return Optional.of(value);
      }
      ignored.add("node " + node.name() + ": label " + label + "=" + raw + " ignored: not a positive finite number");
    } catch (NumberFormatException e) {
      ignored.add("node " + node.name() + ": label " + label + "=" + raw + " ignored: not a number");
    }
    return Optional.empty();
  }
}
