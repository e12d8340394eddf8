package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a worker's samples are chosen at each shuffle period (decided by the planner, applied by the trainer). */
public enum SampleSelection implements WireNamed {
  /** Uniformly without replacement: a disjoint shard of a fresh permutation. */
  @JsonProperty("uniform") UNIFORM,
  /** Loss-based top-k: the highest-loss samples of a uniformly drawn candidate set (the sampling bias). */
  @JsonProperty("highLoss") HIGH_LOSS
}
