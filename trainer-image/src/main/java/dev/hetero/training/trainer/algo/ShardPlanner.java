package dev.hetero.training.trainer.algo;

import java.util.SplittableRandom;

/**
 * Splits the training set into one disjoint shard per worker for a shuffle period.
 *
 * <p>A period lasts {@code P = floor(N / sum n_i)} rounds so that every worker reads its shard
 * without replacement. Unbiased workers take consecutive slices of a fresh permutation; the
 * biased workers' share comes from the rest of the permutation, by loss-based top-k when a score
 * table is given, and is then shuffled and split among them.
 */
public final class ShardPlanner {
  private ShardPlanner() {
  }

  /** Rounds per shuffle period, at least 1. */
  public static int roundsPerPeriod(int datasetSize, long[] samplesPerRound) {
    long total = 0;
    for (long n : samplesPerRound) {
      total += n;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("workers process no samples per round");
    }
    if (total > datasetSize) {
      throw new IllegalArgumentException("one round needs " + total + " samples (sum of batch x local steps over the workers)"
          + " but the training set has only " + datasetSize + ": lower the batch or the local steps");
    }
    return (int) (datasetSize / total);
  }

  /**
   * @param datasetSize N
   * @param demand samples each worker reads in the period (n_i x P)
   * @param biased which workers get the loss-based share
   * @param scores current merged scores; null samples the biased share uniformly
   * @param candidateRatio r: candidates drawn per kept sample
   * @param seed job seed
   * @param period shuffle period number
   */
  public static int[][] plan(int datasetSize, long[] demand, boolean[] biased, ScoreTable scores,
      double candidateRatio, long seed, long period) {
    int workers = demand.length;
    long total = 0;
    for (long d : demand) {
      total += d;
    }
    if (total > datasetSize) {
      throw new IllegalArgumentException("shards need " + total + " samples but the training set has " + datasetSize);
    }
    SplittableRandom random = new SplittableRandom(mix(seed, period));
    int[] permutation = permutation(datasetSize, random);
    int[][] shards = new int[workers][];
    int cursor = 0;
    int biasedDemand = 0;
    for (int w = 0; w < workers; w++) {
      if (biased[w]) {
        biasedDemand += (int) demand[w];
        continue;
      }
      shards[w] = java.util.Arrays.copyOfRange(permutation, cursor, cursor + (int) demand[w]);
      cursor += (int) demand[w];
    }
    if (biasedDemand == 0) {
      return shards;
    }
    int[] rest = java.util.Arrays.copyOfRange(permutation, cursor, datasetSize);
    int[] chosen;
    if (scores == null) {
      chosen = java.util.Arrays.copyOf(rest, biasedDemand);
    } else {
      int candidates = BiasedSampler.candidateCount(biasedDemand, candidateRatio, rest.length);
      chosen = BiasedSampler.highestLoss(java.util.Arrays.copyOf(rest, candidates), biasedDemand, scores);
      shuffle(chosen, random);
    }
    int offset = 0;
    for (int w = 0; w < workers; w++) {
      if (biased[w]) {
        shards[w] = java.util.Arrays.copyOfRange(chosen, offset, offset + (int) demand[w]);
        offset += (int) demand[w];
      }
    }
    return shards;
  }

  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    shuffle(p, random);
    return p;
  }

  static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A distinct, well-spread stream per (seed, period). */
  static long mix(long seed, long period) {
    long z = seed * 0x9E3779B97F4A7C15L + period * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
