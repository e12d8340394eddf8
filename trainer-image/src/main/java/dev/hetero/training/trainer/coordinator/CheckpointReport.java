package dev.hetero.training.trainer.coordinator;

/**
 * A checkpoint was written.
 *
 * @param round rounds completed in it
 * @param why periodic (every N rounds), final (the run is complete) or stop (stopped on request)
 * @param workerStates how many workers' optimizer states it holds
 */
public record CheckpointReport(long round, String file, long bytes, double seconds, String why, int workerStates) {
}
