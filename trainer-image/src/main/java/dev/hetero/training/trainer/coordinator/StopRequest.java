package dev.hetero.training.trainer.coordinator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request to stop (SIGTERM: preemption, node drain, suspend, deletion) and the time budget it
 * comes with, the pod's grace period, after which the kubelet kills the process. The round in
 * flight may run until {@link #ROUND_SHARE} of the budget (remote workers not in by then are left
 * out of it, as late workers are); the workers' answers to the stop, carrying their optimizer
 * state, are awaited until {@link #ANSWERS_SHARE}; the rest is for writing the checkpoint and
 * exiting. Thread-safe: the signal handler requests, the round loop reads.
 */
public final class StopRequest {
  /** The round in flight may take this share of the grace period. */
  public static final double ROUND_SHARE = 0.70;
  /** The workers' stop answers are awaited until this share. */
  public static final double ANSWERS_SHARE = 0.85;
  /** {@link #roundCutoffNanos} and {@link #answersCutoffNanos} before a request: no cutoff. */
  public static final long NO_CUTOFF = Long.MAX_VALUE;

  private static final long NOT_REQUESTED = Long.MIN_VALUE;
  private final long graceNanos;
  private final AtomicLong requestedAt = new AtomicLong(NOT_REQUESTED);

  private StopRequest(Duration grace) {
    this.graceNanos = grace.toNanos();
  }

  /** A request that may come, with this grace period. */
  public static StopRequest within(Duration grace) {
    return new StopRequest(grace);
  }

  /** Never requested (a simulated run, a test). */
  public static StopRequest never() {
    return new StopRequest(Duration.ZERO);
  }

  /** Records the request at the first call; later calls change nothing. */
  public void request() {
    requestedAt.compareAndSet(NOT_REQUESTED, System.nanoTime());
  }

  public boolean requested() {
    return requestedAt.get() != NOT_REQUESTED;
  }

  /** {@code System.nanoTime} by which the round in flight must be over, or {@link #NO_CUTOFF}. */
  public long roundCutoffNanos() {
    return cutoff(ROUND_SHARE);
  }

  /** {@code System.nanoTime} by which the workers must have answered the stop, or {@link #NO_CUTOFF}. */
  public long answersCutoffNanos() {
    return cutoff(ANSWERS_SHARE);
  }

  /** Time left of the grace period (the whole period before a request). */
  public Duration remaining() {
    long at = requestedAt.get();
    return at == NOT_REQUESTED ? Duration.ofNanos(graceNanos)
        : Duration.ofNanos(Math.max(0, at + graceNanos - System.nanoTime()));
  }

  private long cutoff(double share) {
    long at = requestedAt.get();
    return at == NOT_REQUESTED ? NO_CUTOFF : at + (long) (graceNanos * share);
  }
}
