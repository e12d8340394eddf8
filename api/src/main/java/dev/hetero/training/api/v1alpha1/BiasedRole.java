package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum BiasedRole {
  /** The slow workers train on the highest-loss samples (the reference code). */
  @JsonProperty("slow") SLOW("slow"),
  /** The fast workers train on the highest-loss samples. */
  @JsonProperty("fast") FAST("fast");

  private final String wireName;

  BiasedRole(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
