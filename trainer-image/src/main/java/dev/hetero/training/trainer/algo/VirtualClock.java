package dev.hetero.training.trainer.algo;

/**
 * Simulated time of a heterogeneous run. A round lasts as long as its slowest worker (each
 * worker's compute time multiplied by its slowdown factor) plus one communication cost; for
 * synchronous SGD a round is one step, so every step pays the slowest worker and the
 * communication. Deterministic when fed deterministic step costs.
 */
public final class VirtualClock {
  private final double communicationSeconds;
  private double now;

  public VirtualClock(double communicationSeconds) {
    if (!(communicationSeconds >= 0)) {
      throw new IllegalArgumentException("communication cost must be non-negative, got " + communicationSeconds);
    }
    this.communicationSeconds = communicationSeconds;
  }

  /** Charges one round and returns the new time. */
  public double chargeRound(double[] computeSeconds, double[] slowdown) {
    double slowest = 0;
    for (int i = 0; i < computeSeconds.length; i++) {
      slowest = Math.max(slowest, computeSeconds[i] * slowdown[i]);
    }
    now += slowest + communicationSeconds;
    return now;
  }

  /** Resumes from a checkpointed time. */
  public void restore(double time) {
    now = time;
  }

  public double now() {
    return now;
  }
}
