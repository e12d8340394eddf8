package dev.hetero.training.trainer.checkpoint;

import java.util.List;

/**
 * Everything the coordinator needs to resume a run: progress counters, the averaged model, the
 * sampler's score table (merged scores and the observations still buffered for the next merge),
 * the current shuffle period's shards, and the random state. Every random draw of a run is
 * seeded from (seed, round, period index), so seed + round + period index are the RNG state.
 */
public record CoordinatorState(long seed, long round, long samples, long periodIndex, long periodStart,
    long[] samplesPerRound, int[][] shards, float[] model, float[] scores, List<int[]> pendingIndices,
    List<float[]> pendingLosses, double lossSinceEval, long samplesSinceEval, double nextEval, double elapsedSeconds,
    double virtualSeconds, double lastAccuracy) {
}
