package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum CapacitySource implements WireNamed {
  /** Node labels first, then the GPU product table, then cores times a per-core factor. */
  @JsonProperty("nodeLabels") NODE_LABELS,
  /** Every worker counts as 1: workload and local steps ignore hardware differences. */
  @JsonProperty("uniform") UNIFORM;
}
