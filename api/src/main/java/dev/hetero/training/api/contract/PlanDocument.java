package dev.hetero.training.api.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.List;
import java.util.Optional;

/**
 * The plan as mounted into every worker (ConfigMap key {@code plan.json}): the defaulted spec
 * and the planned workers, each with exactly the work it runs. {@code planVersion} grows with
 * every re-plan, so a worker can tell a new plan from the one it runs. World size is the number
 * of workers listed here, never an environment variable.
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

  /** The plan entry of a worker, by name. */
  public Optional<PlannedWorker> worker(String name) {
    return workers.stream().filter(w -> w.worker().equals(name)).findFirst();
  }

  /** Rank 0, the coordinator. */
  public Optional<PlannedWorker> coordinator() {
    return workers.stream().filter(w -> w.rank() != null && w.rank() == 0).findFirst();
  }

  public int worldSize() {
    return workers.size();
  }
}
