package dev.hetero.training.trainer.coordinator;

/**
 * The work the coordinator actually applied in one round, by rank: the weight each model got in
 * the average (0 for a worker that missed the round), the local steps each ran (samples / batch)
 * and the batch it was given. Reported so that tests and logs can hold the run to its plan.
 *
 * @param round the round's number, counted from 1 as in {@link RoundReport}
 */
public record AppliedRound(long round, long planVersion, double[] weights, int[] steps, int[] batches) {
}
