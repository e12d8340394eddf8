package dev.hetero.training.api.planner;

import java.util.Arrays;

/**
 * Splits an integer total into parts proportional to weights, each part within [min, max],
 * the parts summing exactly to the total.
 *
 * <p>Proportional-with-bounds is a scale factor s with sum(clamp(s * w_i, min, max)) = total
 * (monotone in s, found by bisection); integers then come from largest-remainder rounding,
 * so an unclamped part is within one of its real share.
 */
public final class BatchAllocator {
  private BatchAllocator() {
  }

  /** True when the total can be split among n parts within [min, max]. */
  public static boolean feasible(long total, int n, int min, int max) {
    return n > 0 && (long) n * min <= total && total <= (long) n * max;
  }

  public static int[] split(long total, double[] weights, int min, int max) {
    int n = weights.length;
    if (!feasible(total, n, min, max)) {
      throw new IllegalArgumentException("cannot split " + total + " among " + n + " parts within [" + min + ", " + max + "]");
    }
    double[] real = realShares(total, weights, min, max);
    return largestRemainder(total, real, min, max);
  }

  /** The real-valued shares: clamp(s * w_i, min, max) with the sum equal to total. */
  static double[] realShares(long total, double[] weights, int min, int max) {
    double weightSum = Arrays.stream(weights).sum();
    double lo = 0;
    double hi = 1;
    // The unclamped answer s = total / sum(w) is a good first bracket; widen until it holds.
    hi = Math.max(hi, total / weightSum);
    while (clampedSum(hi, weights, min, max) < total) {
      hi *= 2;
    }
    for (int iteration = 0; iteration < 200 && hi - lo > hi * 1e-15; iteration++) {
      double mid = (lo + hi) / 2;
      if (clampedSum(mid, weights, min, max) < total) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    // The bisection fixes which parts clamp; the unclamped parts then share the rest exactly
    // (total - clamped) * w_i / sum(w_unclamped), so floating noise in the scale cannot tip a
    // part over an integer boundary.
    double scale = hi;
    double[] real = new double[weights.length];
    double clampedTotal = 0;
    double freeWeight = 0;
    boolean[] free = new boolean[weights.length];
    for (int i = 0; i < weights.length; i++) {
      double v = scale * weights[i];
      if (v <= min) {
        real[i] = min;
        clampedTotal += min;
      } else if (v >= max) {
        real[i] = max;
        clampedTotal += max;
      } else {
        free[i] = true;
        freeWeight += weights[i];
      }
    }
    for (int i = 0; i < weights.length; i++) {
      if (free[i]) {
        real[i] = clamp((total - clampedTotal) * weights[i] / freeWeight, min, max);
      }
    }
    return real;
  }

  private static double clampedSum(double scale, double[] weights, int min, int max) {
    double sum = 0;
    for (double w : weights) {
      sum += clamp(scale * w, min, max);
    }
    return sum;
  }

  private static double clamp(double v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }

  /**
   * Floors, then hands the units still missing to the parts furthest below their real share
   * (ties: lower index). Should float noise leave one unit too many, it is taken from the part
   * furthest above its share.
   */
  static int[] largestRemainder(long total, double[] real, int min, int max) {
    int n = real.length;
    int[] parts = new int[n];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      // Guard against 1e-12 noise: 7.9999999999999 is 8.
      double v = Math.abs(real[i] - Math.rint(real[i])) < 1e-9 ? Math.rint(real[i]) : real[i];
      parts[i] = (int) Math.max(min, Math.min(max, Math.floor(v)));
      sum += parts[i];
    }
    long missing = total - sum;
    while (missing != 0) {
      int best = -1;
      double bestResidual = 0;
      for (int i = 0; i < n; i++) {
        double residual = real[i] - parts[i];
        boolean canMove = missing > 0 ? parts[i] < max : parts[i] > min;
        boolean better = missing > 0 ? residual > bestResidual : residual < bestResidual;
        if (canMove && (best < 0 || better)) {
          best = i;
          bestResidual = residual;
        }
      }
      parts[best] += missing > 0 ? 1 : -1;
      missing += missing > 0 ? -1 : 1;
    }
    return parts;
  }
}
