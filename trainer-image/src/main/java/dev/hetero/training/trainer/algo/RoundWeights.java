package dev.hetero.training.trainer.algo;

/**
 * The weights of one round's average: the plan's weight of each worker that made the round,
 * divided by the sum over those workers (w_i / sum of present w), so a late worker's share is
 * spread over the others in proportion to their own weights.
 */
public final class RoundWeights {
  private RoundWeights() {
  }

  /**
   * @param planned every worker's weight from the plan, by rank
   * @param present the ranks that made the round
   * @return the weights of the present workers, in the order of {@code present}, summing to 1
   */
  public static double[] renormalised(double[] planned, int[] present) {
    double sum = 0;
    for (int rank : present) {
      sum += planned[rank];
    }
    if (!(sum > 0)) {
      throw new IllegalStateException("the workers that made the round (ranks " + java.util.Arrays.toString(present)
          + ") all have weight 0 in the plan: nothing to average");
    }
    double[] out = new double[present.length];
    for (int k = 0; k < present.length; k++) {
      out[k] = planned[present[k]] / sum;
    }
    return out;
  }
}
