package dev.hetero.training.operator.model;

import java.time.Duration;

/**
 * How long a failed worker waits before it is recreated, and when the job gives up.
 * The delay doubles with every restart the job has had (as a Kubernetes Job's backoff does), so
 * a crash-looping trainer does not hammer the scheduler, capped at {@code max}.
 */
public record RestartPolicy(Duration base, Duration max) {

  public RestartPolicy {
    if (base.isNegative() || max.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("restart backoff needs 0 <= base <= max, got base=" + base + ", max=" + max);
    }
  }

  /** Delay before the next restart, given the restarts the job already had. */
  public Duration delay(int restartsSoFar) {
    if (restartsSoFar <= 0) {
      return base;
    }
    // 2^n overflows long nanos quickly; stop doubling once past max.
    Duration d = base;
    for (int i = 0; i < restartsSoFar && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** True when one more restart would exceed the job's backoffLimit. */
  public boolean limitExceeded(int restartsSoFar, int backoffLimit) {
    return restartsSoFar >= backoffLimit;
  }
}
