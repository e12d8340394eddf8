package dev.hetero.training.trainer.coordinator;

/**
 * One finished round: global progress, the round's mean training loss, both clocks, and the
 * slowest worker's compute as a share of the round's wall time (NaN when unknown).
 */
public record RoundReport(long round, long samples, double epoch, double budgetEpochs, double learningRate,
    double trainLoss, double elapsedSeconds, double virtualSeconds, double samplesPerSecond, double slowestShare) {
}
