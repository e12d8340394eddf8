package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.round.WorkerHandle;

/**
 * Where the coordinator gets a handle for a worker that joins a running plan. A run whose workers
 * all live in the coordinator's process (a simulation) or whose connections are fixed cannot
 * take new workers: {@link #FIXED}, and a plan with other workers is then ignored as before.
 */
public interface Roster {
  /** A roster that takes no new workers. */
  Roster FIXED = worker -> null;

  /** A handle on {@code worker}, new to the plan at its rank; null when this roster cannot add workers. */
  WorkerHandle join(PlannedWorker worker);

  /** Whether workers may join and leave while the run goes on. */
  default boolean elastic() {
    return this != FIXED;
  }
}
