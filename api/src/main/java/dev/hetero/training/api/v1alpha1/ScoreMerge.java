package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ScoreMerge {
  /** Element-wise minimum of the workers' loss tables (the reference code). */
  @JsonProperty("min") MIN("min"),
  /** The most recently observed loss wins. */
  @JsonProperty("latest") LATEST("latest");

  private final String wireName;

  ScoreMerge(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
