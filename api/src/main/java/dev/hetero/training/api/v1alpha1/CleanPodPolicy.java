package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which worker pods are deleted once the job has ended (as in Kubeflow's training operator). */
public enum CleanPodPolicy {
  @JsonProperty("None") NONE("None"),
  @JsonProperty("Running") RUNNING("Running"),
  @JsonProperty("All") ALL("All");

  private final String wireName;

  CleanPodPolicy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
