package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum AggregationPolicy {
  /** Weight 1/m per worker (the reference code). */
  @JsonProperty("uniform") UNIFORM("uniform"),
  /** Weight proportional to samples processed in the round (FedAvg's unbiased weight). */
  @JsonProperty("workProportional") WORK_PROPORTIONAL("workProportional"),
  /** Weight proportional to (samples processed)^gamma. */
  @JsonProperty("power") POWER("power"),
  /** Weight per device class, from classWeights. */
  @JsonProperty("explicit") EXPLICIT("explicit");

  private final String wireName;

  AggregationPolicy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
