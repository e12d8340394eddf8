package dev.hetero.training.trainer.engine;

/** Test-set accuracy (0..1) and mean cross-entropy of one model. */
public record Evaluation(double accuracy, double loss, int samples) {
}
