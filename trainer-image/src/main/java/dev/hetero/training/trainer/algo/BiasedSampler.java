package dev.hetero.training.trainer.algo;

import java.util.Arrays;

/**
 * Loss-based top-k selection: of a candidate set drawn uniformly, keep the samples the model
 * currently finds hardest. Ties (for example several never-seen samples at +infinity) keep the
 * candidates' random order, so which unseen samples win is still uniform.
 */
public final class BiasedSampler {
  private BiasedSampler() {
  }

  /** Number of candidates to draw for a demand, capped by what is available. */
  public static int candidateCount(int demand, double candidateRatio, int available) {
    if (candidateRatio < 1) {
      throw new IllegalArgumentException("candidate ratio must be at least 1, got " + candidateRatio);
    }
    long wanted = (long) Math.ceil(demand * candidateRatio);
    return (int) Math.min(available, Math.max(demand, wanted));
  }

  /**
   * The {@code k} candidates with the highest score, in descending score order (stable for ties).
   *
   * @throws IllegalArgumentException when fewer than k candidates are given
   */
  public static int[] highestLoss(int[] candidates, int k, ScoreTable scores) {
    if (k > candidates.length) {
      throw new IllegalArgumentException("cannot keep " + k + " of " + candidates.length + " candidates");
    }
    Integer[] order = new Integer[candidates.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Sort positions by descending score; Arrays.sort on objects is stable, which keeps ties random.
    Arrays.sort(order, (a, b) -> Float.compare(scores.score(candidates[b]), scores.score(candidates[a])));
    int[] kept = new int[k];
    for (int i = 0; i < k; i++) {
      kept[i] = candidates[order[i]];
    }
    return kept;
  }
}
