package dev.hetero.training.api.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.List;

/**
 * The plan as mounted into every worker (ConfigMap key {@code plan.json}): the defaulted spec
 * and the planned workers. {@code planVersion} grows with every re-plan, so a worker can tell a
 * new plan from the one it runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanDocument(
    String jobName,
    String namespace,
    long planVersion,
    HeteroTrainingJobSpec spec,
    List<PlannedWorker> workers) {

  public PlanDocument {
    workers = workers == null ? List.of() : List.copyOf(workers);
  }
}
