package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Fast or slow, relative to the fastest worker of the plan (see sampling.slowCapacityRatio). */
public enum WorkerRole implements WireNamed {
  @JsonProperty("fast") FAST,
  @JsonProperty("slow") SLOW
}
