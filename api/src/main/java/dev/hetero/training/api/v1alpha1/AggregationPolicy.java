package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum AggregationPolicy implements WireNamed {
  /** Weight 1/m per worker (the reference code). */
  @JsonProperty("uniform") UNIFORM,
  /** Weight proportional to samples processed in the round (FedAvg's unbiased weight). */
  @JsonProperty("workProportional") WORK_PROPORTIONAL,
  /** Weight proportional to (samples processed)^gamma. */
  @JsonProperty("power") POWER,
  /** Weight per device class, from classWeights. */
  @JsonProperty("explicit") EXPLICIT;
}
