package dev.hetero.training.operator.config;

import dev.hetero.training.api.planner.PlannerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Parses {@code HETERO_GPU_CAPACITY} ({@code A100=96,V100=32}) into planner overrides. */
public final class GpuCapacityTable {
  private GpuCapacityTable() {
  }

  public static Map<String, Double> parse(String text) {
    Map<String, Double> table = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return table;
    }
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("HETERO_GPU_CAPACITY: entry '" + entry.trim() + "' is not PRODUCT=capacity");
      }
      String product = entry.substring(0, eq).trim();
      String value = entry.substring(eq + 1).trim();
      try {
        double capacity = Double.parseDouble(value);
        if (!(capacity > 0) || Double.isInfinite(capacity)) {
          throw new NumberFormatException();
        }
        table.put(product, capacity);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("HETERO_GPU_CAPACITY: capacity of " + product + " must be a positive number, got '"
            + value + "'");
      }
    }
    return table;
  }

  public static PlannerConfig plannerConfig(Optional<String> overrides) {
    return PlannerConfig.defaults().withGpuCapacities(parse(overrides.orElse("")));
  }
}
