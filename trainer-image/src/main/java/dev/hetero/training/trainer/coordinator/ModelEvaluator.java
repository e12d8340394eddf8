package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.trainer.engine.Evaluation;

/** Evaluates a model vector on the test set. */
public interface ModelEvaluator {
  Evaluation evaluate(float[] model);
}
