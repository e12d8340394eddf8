package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum DeviceClass {
  @JsonProperty("gpu") GPU("gpu"),
  @JsonProperty("cpu") CPU("cpu");

  private final String wireName;

  DeviceClass(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
