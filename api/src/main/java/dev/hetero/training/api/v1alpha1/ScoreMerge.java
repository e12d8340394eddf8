package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ScoreMerge implements WireNamed {
  /** Element-wise minimum of the workers' loss tables (the reference code). */
  @JsonProperty("min") MIN,
  /** The most recently observed loss wins. */
  @JsonProperty("latest") LATEST;
}
