package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which worker pods are deleted once the job has ended (as in Kubeflow's training operator). */
public enum CleanPodPolicy implements WireNamed {
  @JsonProperty("None") NONE,
  @JsonProperty("Running") RUNNING,
  @JsonProperty("All") ALL;
}
