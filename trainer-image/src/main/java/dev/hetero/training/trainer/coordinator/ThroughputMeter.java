package dev.hetero.training.trainer.coordinator;

import java.util.Arrays;

/**
 * Each training worker's compute speed, smoothed: an exponentially weighted mean of its compute
 * seconds per sample over the rounds it made. Compute only: the time the worker spent in its local
 * steps times its simulated slowdown (slept out for real, or charged on the virtual clock), never
 * the model exchange or an asyncSAM worker's wait for perturbations. Per sample and not per step,
 * so a measurement taken at one batch still holds after a rebalance changed the batch.
 */
final class ThroughputMeter {
  /**
   * Weight of the newest round. Time (not rate) is averaged so that a slowdown shows fast: a
   * worker that turned 4x slower is measured within 10 % after 3 rounds (the error 3t halves each
   * round), while one round's noise moves the estimate by half of it.
   */
  static final double SMOOTHING = 0.5;

  private final double[] secondsPerSample;

  ThroughputMeter(int workers) {
    secondsPerSample = new double[workers];
    Arrays.fill(secondsPerSample, Double.NaN);
  }

  private ThroughputMeter(double[] secondsPerSample) {
    this.secondsPerSample = secondsPerSample;
  }

  /** The measurements of the workers that stay, under their new ranks; joining workers are not measured yet. */
  ThroughputMeter regrouped(Membership change) {
    double[] next = new double[change.previousRank().length];
    for (int i = 0; i < next.length; i++) {
      int was = change.previousRank()[i];
      next[i] = was < 0 ? Double.NaN : secondsPerSample[was];
    }
    return new ThroughputMeter(next);
  }

  /** One round of one worker: samples trained and effective compute seconds. Rounds without compute count nothing. */
  void observe(int rank, long samples, double effectiveComputeSeconds) {
    if (!(effectiveComputeSeconds > 0) || samples <= 0) {
      return;
    }
    double t = effectiveComputeSeconds / samples;
    double old = secondsPerSample[rank];
    secondsPerSample[rank] = Double.isNaN(old) ? t : SMOOTHING * t + (1 - SMOOTHING) * old;
  }

  /** Smoothed samples per compute second by rank (NaN: never measured). */
  double[] rates() {
    return Arrays.stream(secondsPerSample).map(t -> 1 / t).toArray();
  }
}
