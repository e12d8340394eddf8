package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.v1alpha1.WorkerStatus;
import java.util.List;

/** Progress callbacks of the coordinator, called on its thread. */
public interface TrainingListener {
  /** Where the run starts (a resume or round 0), before the first round and before the workers connect. */
  default void onStart(RunStart start) {
  }

  default void onRound(RoundReport report) {
  }

  /** A checkpoint was written. */
  default void onCheckpoint(CheckpointReport report) {
  }

  default void onEvaluation(EvaluationReport report) {
  }

  /** The weights, steps and batches the coordinator applied in a round, before its onRound. */
  default void onApplied(AppliedRound applied) {
  }

  /** Per-worker state after every round (status.workers). */
  default void onWorkers(List<WorkerStatus> workers) {
  }

  /** Time the coordinator waited for the remote workers' results in the last round. */
  default void onAggregationWait(double seconds) {
  }

  /** A new plan version changed the workers, from {@code round} on (joined, left, renumbered). */
  default void onMembership(long round, long planVersion, Membership change, int workers) {
  }

  /** A worker that joined the running plan at {@code joinedRound} trained its first round, {@code round}. */
  default void onFirstContribution(String worker, long joinedRound, long round) {
  }

  TrainingListener NONE = new TrainingListener() {
  };

  /** Tells each listener in turn. */
  static TrainingListener all(List<TrainingListener> listeners) {
    List<TrainingListener> copy = List.copyOf(listeners);
    return new TrainingListener() {
      @Override
      public void onStart(RunStart start) {
        copy.forEach(l -> l.onStart(start));
      }

      @Override
      public void onCheckpoint(CheckpointReport report) {
        copy.forEach(l -> l.onCheckpoint(report));
      }

      @Override
      public void onApplied(AppliedRound applied) {
        copy.forEach(l -> l.onApplied(applied));
      }

      @Override
      public void onRound(RoundReport report) {
        copy.forEach(l -> l.onRound(report));
      }

      @Override
      public void onEvaluation(EvaluationReport report) {
        copy.forEach(l -> l.onEvaluation(report));
      }

      @Override
      public void onWorkers(List<WorkerStatus> workers) {
        copy.forEach(l -> l.onWorkers(workers));
      }

      @Override
      public void onAggregationWait(double seconds) {
        copy.forEach(l -> l.onAggregationWait(seconds));
      }

      @Override
      public void onMembership(long round, long planVersion, Membership change, int workers) {
        copy.forEach(l -> l.onMembership(round, planVersion, change, workers));
      }

      @Override
      public void onFirstContribution(String worker, long joinedRound, long round) {
        copy.forEach(l -> l.onFirstContribution(worker, joinedRound, round));
      }
    };
  }
}
