package dev.hetero.training.trainer.worker;

/**
 * A worker's answer: its model after the local steps, the per-sample training losses of the
 * samples it was given (for the sampler), its measured compute time, and the digest of the model
 * it loaded at the start of the round (so the coordinator can check every worker started from
 * the same average).
 */
public record RoundResult(int rank, long round, double computeSeconds, byte[] loadedDigest, int[] indices, float[] losses,
    float[] model) {
}
