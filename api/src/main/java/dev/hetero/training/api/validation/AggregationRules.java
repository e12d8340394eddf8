package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import java.util.List;

/** Rules for spec.aggregation: gamma only with power, class weights only with explicit. */
final class AggregationRules {

  private AggregationRules() {
  }

  static void aggregation(AggregationSpec a, List<String> problems) {
    if (a == null) {
      return;
    }
    AggregationPolicy policy = a.policy() == null ? AggregationPolicy.UNIFORM : a.policy();
    if ((a.gamma() != null) != (policy == AggregationPolicy.POWER)) {
      problems.add("spec.aggregation.gamma is required with policy power and not allowed with any other policy");
    }
    Bounds.check(problems, "spec.aggregation.gamma", a.gamma(), 0, 1);
    if ((a.classWeights() != null) != (policy == AggregationPolicy.EXPLICIT)) {
      problems.add("spec.aggregation.classWeights is required with policy explicit and not allowed with any other policy");
    }
    if (a.classWeights() != null) {
      Double gpu = a.classWeights().gpu();
      Double cpu = a.classWeights().cpu();
      if (gpu == null || cpu == null) {
        problems.add("spec.aggregation.classWeights: both gpu and cpu are required");
      } else {
        Bounds.check(problems, "spec.aggregation.classWeights.gpu", gpu, 0, 1000000);
        Bounds.check(problems, "spec.aggregation.classWeights.cpu", cpu, 0, 1000000);
        if (!(gpu + cpu > 0)) {
          problems.add("spec.aggregation.classWeights: at least one of gpu and cpu must be positive");
        }
      }
    }
  }
}
