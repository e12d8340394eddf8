package dev.hetero.training.trainer.algo;

/**
 * Simulated time of a heterogeneous run. A round lasts as long as its slowest worker (each
 * worker's compute time multiplied by its slowdown factor) plus one communication cost; for
 * synchronous SGD a round is one step, so every step pays the slowest worker and the
 * communication. Deterministic when fed deterministic step costs.
 */
public final class VirtualClock {
  private VirtualClock() {
  }

  /** Virtual seconds of one round. */
  public static double roundSeconds(double[] computeSeconds, double[] slowdown, double communicationSeconds) {
    return roundSeconds(computeSeconds, slowdown, new double[computeSeconds.length], communicationSeconds);
  }

  /**
   * Virtual seconds of one round whose workers also waited {@code waitSeconds} (asyncSAM workers
   * waiting for a perturbation): waiting is charged as it is, not multiplied by a slowdown.
   */
  public static double roundSeconds(double[] computeSeconds, double[] slowdown, double[] waitSeconds,
      double communicationSeconds) {
    if (!(communicationSeconds >= 0)) {
      throw new IllegalArgumentException("communication cost must be non-negative, got " + communicationSeconds);
    }
    double slowest = 0;
    for (int i = 0; i < computeSeconds.length; i++) {
      slowest = Math.max(slowest, computeSeconds[i] * slowdown[i] + waitSeconds[i]);
    }
    return slowest + communicationSeconds;
  }
}
