package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.ClassWeights;
import dev.hetero.training.api.v1alpha1.DeviceClass;

/**
 * Weights of the workers' models in a round's average, summing to 1. The planner uses it for
 * the plan; the coordinator calls it again over the workers that made a round, which is how
 * weights are renormalised when a worker is late.
 */
public final class AggregationWeights {
  private AggregationWeights() {
  }

  /**
   * @param samplesPerRound n_i = batch x local steps of each worker
   * @param deviceClasses device class of each worker (for explicit weights)
   */
  public static double[] of(AggregationSpec spec, long[] samplesPerRound, DeviceClass[] deviceClasses) {
    int m = samplesPerRound.length;
    if (m == 0) {
      return new double[0];
    }
    AggregationPolicy policy = spec == null || spec.policy() == null ? AggregationPolicy.UNIFORM : spec.policy();
    double[] raw = new double[m];
    for (int i = 0; i < m; i++) {
      raw[i] = switch (policy) {
        case UNIFORM -> 1.0;
        case WORK_PROPORTIONAL -> samplesPerRound[i];
        case POWER -> Math.pow(samplesPerRound[i], spec.gamma() == null ? 0.0 : spec.gamma());
        case EXPLICIT -> classWeight(spec.classWeights(), deviceClasses[i]);
      };
    }
    double sum = 0;
    for (double r : raw) {
      sum += r;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("spec.aggregation: policy " + policy.wireName()
          + " gives every worker weight 0 (check classWeights against the pools' device classes)");
    }
    for (int i = 0; i < m; i++) {
      raw[i] /= sum;
    }
    return raw;
  }

  private static double classWeight(ClassWeights weights, DeviceClass deviceClass) {
    if (weights == null) {
      throw new IllegalArgumentException("spec.aggregation.classWeights is required with policy explicit");
    }
    return deviceClass == DeviceClass.GPU ? weights.gpu() : weights.cpu();
  }
}
