package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Fast or slow, relative to the fastest training worker of the plan (see sampling.slowCapacityRatio), or helper: a
 * worker of asyncSAM's helper pool, which computes perturbations for one training worker and does not train itself.
 */
public enum WorkerRole implements WireNamed {
  @JsonProperty("fast") FAST,
  @JsonProperty("slow") SLOW,
  @JsonProperty("helper") HELPER
}
