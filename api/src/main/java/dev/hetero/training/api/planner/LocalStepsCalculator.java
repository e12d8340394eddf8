package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.LocalStepsPolicy;

/**
 * Local steps per worker. With equalTime, every worker's round (batch x steps / capacity)
 * takes as long as the slowest-per-sample worker's at the base step count, so nobody waits at
 * the averaging barrier; that is also how steps make up for batches the bounds cut.
 */
public final class LocalStepsCalculator {
  private LocalStepsCalculator() {
  }

  public static int[] steps(LocalStepsPolicy policy, int base, int maxSteps, int[] batch, double[] capacity, boolean synchronous) {
    int n = batch.length;
    int[] steps = new int[n];
    if (synchronous) {
      java.util.Arrays.fill(steps, 1);
      return steps;
    }
    if (policy == LocalStepsPolicy.FIXED) {
      java.util.Arrays.fill(steps, Math.min(base, maxSteps));
      return steps;
    }
    double roundTime = 0;
    for (int i = 0; i < n; i++) {
      roundTime = Math.max(roundTime, batch[i] * (double) base / capacity[i]);
    }
    for (int i = 0; i < n; i++) {
      long h = Math.round(roundTime * capacity[i] / batch[i]);
      steps[i] = (int) Math.max(1, Math.min(maxSteps, h));
    }
    return steps;
  }
}
