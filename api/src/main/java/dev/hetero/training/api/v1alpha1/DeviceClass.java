package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum DeviceClass implements WireNamed {
  @JsonProperty("gpu") GPU,
  @JsonProperty("cpu") CPU;
}
