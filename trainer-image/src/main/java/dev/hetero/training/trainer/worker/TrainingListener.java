package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.v1alpha1.WorkerStatus;
import java.util.List;

/** Progress callbacks of the coordinator, called on its thread. */
public interface TrainingListener {
  default void onRound(RoundReport report) {
  }

  default void onEvaluation(EvaluationReport report) {
  }

  /** Per-worker state after every round (status.workers). */
  default void onWorkers(List<WorkerStatus> workers) {
  }

  /** Time the coordinator waited for the remote workers' results in the last round. */
  default void onAggregationWait(double seconds) {
  }

  TrainingListener NONE = new TrainingListener() {
  };
}
