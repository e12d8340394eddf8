package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to an operator-created claim when its job is deleted (as StatefulSet's whenDeleted). */
public enum ClaimDeletionPolicy implements WireNamed {
  @JsonProperty("Delete") DELETE,
  @JsonProperty("Retain") RETAIN;
}
