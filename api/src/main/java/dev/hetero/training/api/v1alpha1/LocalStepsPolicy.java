package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum LocalStepsPolicy implements WireNamed {
  /** Local steps chosen so that every worker's round takes the same time (batch x steps / capacity). */
  @JsonProperty("equalTime") EQUAL_TIME,
  /** The same number of local steps on every worker. */
  @JsonProperty("fixed") FIXED;
}
