package dev.hetero.training.trainer.worker;

/** One finished round: global progress, the round's mean training loss, both clocks. */
public record RoundReport(long round, long samples, double epoch, double budgetEpochs, double learningRate,
    double trainLoss, double elapsedSeconds, double virtualSeconds, double samplesPerSecond) {
}
