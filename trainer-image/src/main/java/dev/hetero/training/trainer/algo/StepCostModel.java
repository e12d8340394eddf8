package dev.hetero.training.trainer.algo;

import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seconds one training step costs at a given batch size, measured once before a simulated run,
 * so that the virtual clock is deterministic even though wall-clock step times are noisy.
 * Batches not measured are interpolated linearly between the nearest measured ones. A step of an
 * update rule other than sgd costs {@code factors[rule]} times the sgd step (sam: two passes;
 * asyncSAM: the model offered to the helper and the perturbation applied and taken back).
 */
public record StepCostModel(Map<Integer, Double> secondsByBatch, Map<OptimizerMethod, Double> factors) {

  public StepCostModel {
    if (secondsByBatch.isEmpty()) {
      throw new IllegalArgumentException("step cost model needs at least one measurement");
    }
    secondsByBatch = Map.copyOf(new TreeMap<>(secondsByBatch));
    factors = factors.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(factors));
  }

  /** Plain SGD steps only. */
  public StepCostModel(Map<Integer, Double> secondsByBatch) {
    this(secondsByBatch, Map.of());
  }

  public double stepSeconds(int batch) {
    TreeMap<Integer, Double> sorted = new TreeMap<>(secondsByBatch);
    Double exact = sorted.get(batch);
    if (exact != null) {
      return exact;
    }
    var lower = sorted.floorEntry(batch);
    var upper = sorted.ceilingEntry(batch);
    if (lower == null) {
      return upper.getValue() * batch / upper.getKey();
    }
    if (upper == null) {
      return lower.getValue() * batch / lower.getKey();
    }
    double t = (batch - lower.getKey()) / (double) (upper.getKey() - lower.getKey());
    return lower.getValue() + t * (upper.getValue() - lower.getValue());
  }

  /** A step of the given update rule. */
  public double stepSeconds(int batch, OptimizerMethod method) {
    return stepSeconds(batch) * factors.getOrDefault(method, 1.0);
  }
}
