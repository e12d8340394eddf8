package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The update rule of a descent worker (spec.training.optimizer.method; per worker in the plan). */
public enum OptimizerMethod implements WireNamed {
  /** Plain SGD with momentum and weight decay. */
  @JsonProperty("sgd") SGD,
  /** Sharpness-aware minimization: ascent to w + rho g/|g| and descent from there, both on the worker's batch. */
  @JsonProperty("sam") SAM,
  /** SAM whose ascent is computed by a helper from the model of tau steps ago on a separate batch, concurrently. */
  @JsonProperty("asyncSAM") ASYNC_SAM
}
