package dev.hetero.training.trainer.coordinator;

/**
 * How this coordinator starts, told before its first round (and before it waits for the workers),
 * so the job's status says at once that a restarted coordinator's rounds continue from a
 * checkpoint and the previous one's later rounds are void.
 *
 * @param resumedFromRound the checkpoint round it resumed from; null when it starts from round 0 without one
 * @param lastAccuracy the accuracy of the last evaluation before the checkpoint (NaN before the first)
 */
public record RunStart(long round, long samples, double epoch, Long resumedFromRound, double lastAccuracy) {
}
