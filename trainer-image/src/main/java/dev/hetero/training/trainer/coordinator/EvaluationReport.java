package dev.hetero.training.trainer.coordinator;

/**
 * The averaged model evaluated on the test set; one row of the training curve.
 *
 * @param trainLoss mean per-sample training loss since the previous evaluation
 */
public record EvaluationReport(long round, long samples, double epoch, double learningRate, double trainLoss,
    double testLoss, double accuracy, double elapsedSeconds, double virtualSeconds, double samplesPerSecond) {
}
