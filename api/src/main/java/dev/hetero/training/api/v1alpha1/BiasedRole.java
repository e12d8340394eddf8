package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum BiasedRole implements WireNamed {
  /** The slow workers train on the highest-loss samples (the reference code). */
  @JsonProperty("slow") SLOW,
  /** The fast workers train on the highest-loss samples. */
  @JsonProperty("fast") FAST;
}
