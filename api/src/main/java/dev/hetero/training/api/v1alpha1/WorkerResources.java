package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** The shape of core/v1 ResourceRequirements (requests and limits). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerResources(
    @Size(max = 16)
    @JsonPropertyDescription("Resources each worker pod requests, e.g. cpu: 2, memory: 4Gi. GPUs come from gpusPerWorker.")
    Map<String, Quantity> requests,

    @Size(max = 16)
    @JsonPropertyDescription("Resource limits of each worker pod. The CPU limit also sets the trainer's thread count.")
    Map<String, Quantity> limits) {

  public WorkerResources {
    requests = requests == null ? null : Map.copyOf(requests);
    limits = limits == null ? null : Map.copyOf(limits);
  }
}
