package dev.hetero.training.api.planner;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Operator-level settings of the planner.
 *
 * @param gpuCapacityTable relative throughput of one GPU, keyed by a fragment of the
 *     {@code nvidia.com/gpu.product} label (matched case-insensitively; the longest matching key wins,
 *     so {@code A100} beats {@code A10}). One CPU core counts 1.
 * @param unknownGpuCapacity capacity of a GPU whose product matches no key (or has no label)
 * @param cpuCoreCapacity capacity of one CPU core for CPU workers
 */
public record PlannerConfig(Map<String, Double> gpuCapacityTable, double unknownGpuCapacity, double cpuCoreCapacity) {

  /**
   * Relative training throughput of common data-centre GPUs against one server CPU core, for
   * small CNNs in fp32 (the paper's setting measures about 32:1 for a V100 against a CPU worker).
   * Rough by nature: label nodes with {@code training.hetero.dev/capacity} where you measured.
   */
  public static final Map<String, Double> DEFAULT_GPU_TABLE = Map.ofEntries(
      Map.entry("B200", 240.0),
      Map.entry("H200", 180.0),
      Map.entry("H100", 160.0),
      Map.entry("A100", 96.0),
      Map.entry("A800", 96.0),
      Map.entry("L40S", 80.0),
      Map.entry("L40", 64.0),
      Map.entry("A40", 56.0),
      Map.entry("A30", 56.0),
      Map.entry("RTX-A6000", 56.0),
      Map.entry("A10", 40.0),
      Map.entry("L4", 32.0),
      Map.entry("V100", 32.0),
      Map.entry("P100", 16.0),
      Map.entry("T4", 16.0));

  public PlannerConfig {
    gpuCapacityTable = Map.copyOf(new TreeMap<>(gpuCapacityTable));
    if (!(unknownGpuCapacity > 0) || !(cpuCoreCapacity > 0)) {
      throw new IllegalArgumentException("planner capacities must be positive: unknownGpuCapacity="
          + unknownGpuCapacity + ", cpuCoreCapacity=" + cpuCoreCapacity);
    }
    gpuCapacityTable.forEach((key, value) -> {
      if (key.isBlank() || value == null || !(value > 0) || value.isInfinite()) {
        throw new IllegalArgumentException("GPU capacity table entry '" + key + "' must have a positive capacity, got " + value);
      }
    });
  }

  public static PlannerConfig defaults() {
    return new PlannerConfig(DEFAULT_GPU_TABLE, 16.0, 1.0);
  }

  /** This config with the given entries added to (or replacing those of) the GPU table. */
  public PlannerConfig withGpuCapacities(Map<String, Double> overrides) {
    Map<String, Double> merged = new TreeMap<>(gpuCapacityTable);
    merged.putAll(overrides);
    return new PlannerConfig(merged, unknownGpuCapacity, cpuCoreCapacity);
  }

  /** The table entry matching a GPU product label, longest key first, then alphabetical. */
  public Optional<Map.Entry<String, Double>> gpuEntryFor(String product) {
    if (product == null || product.isBlank()) {
      return Optional.empty();
    }
    String upper = product.toUpperCase(Locale.ROOT);
    List<Map.Entry<String, Double>> matching = gpuCapacityTable.entrySet().stream()
        .filter(e -> upper.contains(e.getKey().toUpperCase(Locale.ROOT)))
        .sorted(Comparator.<Map.Entry<String, Double>>comparingInt(e -> e.getKey().length()).reversed()
            .thenComparing(Map.Entry::getKey))
        .toList();
    return matching.stream().findFirst();
  }
}
