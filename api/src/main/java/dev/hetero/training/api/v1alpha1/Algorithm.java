package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum Algorithm implements WireNamed {
  /** Every step, gradients are averaged over all workers (weighted by batch): the slowest device sets the pace. */
  @JsonProperty("syncSGD") SYNC_SGD,
  /** Every worker runs its local steps, then the models are averaged uniformly. */
  @JsonProperty("localSGD") LOCAL_SGD,
  /** Local SGD with capacity-proportional work, loss-based sampling and weighted aggregation. */
  @JsonProperty("biasedLocalSGD") BIASED_LOCAL_SGD;
}
