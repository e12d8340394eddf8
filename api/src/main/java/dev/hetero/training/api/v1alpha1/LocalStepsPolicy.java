package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum LocalStepsPolicy {
  /** Local steps chosen so that every worker's round takes the same time (batch x steps / capacity). */
  @JsonProperty("equalTime") EQUAL_TIME("equalTime"),
  /** The same number of local steps on every worker. */
  @JsonProperty("fixed") FIXED("fixed");

  private final String wireName;

  LocalStepsPolicy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
