package dev.hetero.training.trainer.worker;

/** Progress callbacks of the coordinator, called on its thread. */
public interface TrainingListener {
  default void onRound(RoundReport report) {
  }

  default void onEvaluation(EvaluationReport report) {
  }

  TrainingListener NONE = new TrainingListener() {
  };
}
