package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum CapacitySource {
  /** Node labels first, then the GPU product table, then cores times a per-core factor. */
  @JsonProperty("nodeLabels") NODE_LABELS("nodeLabels"),
  /** Every worker counts as 1: workload and local steps ignore hardware differences. */
  @JsonProperty("uniform") UNIFORM("uniform");

  private final String wireName;

  CapacitySource(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
