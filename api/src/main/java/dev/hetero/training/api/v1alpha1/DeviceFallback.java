package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a GPU worker does when it finds no usable CUDA device. The default refuses: a GPU worker
 * silently training on its few CPU threads would be the straggler of every round, which is worse
 * than a clear failure.
 */
public enum DeviceFallback implements WireNamed {
  /** Fail at once (exit 69, the operator's NoCudaDevice). */
  @JsonProperty("none") NONE,
  /** Train on the CPU instead, and say so in the log. */
  @JsonProperty("cpu") CPU
}
