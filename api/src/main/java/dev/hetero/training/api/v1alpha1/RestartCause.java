package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The budget a worker restart counts against (spec.runPolicy.restarts). */
public enum RestartCause implements WireNamed {
  /** The pod failed: bounded by runPolicy.backoffLimit. */
  @JsonProperty("PodFailure") POD_FAILURE,
  /** Its node was lost: runPolicy.restarts.nodeLost. */
  @JsonProperty("NodeLost") NODE_LOST,
  /** It was preempted, evicted or stopped on request: runPolicy.restarts.preempted. */
  @JsonProperty("Preempted") PREEMPTED;
}
