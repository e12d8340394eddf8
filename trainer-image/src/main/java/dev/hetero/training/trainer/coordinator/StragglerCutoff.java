package dev.hetero.training.trainer.coordinator;

/**
 * How long a round waits for a worker marked Straggler when {@code leaveOutStragglers} is on
 * (pure). Such a worker is waited for up to {@code stragglerFactor} times what the other workers
 * took, then the round closes without it; every {@link #PROBE_EVERY}th round it is waited for as
 * any worker is, so that its rate is measured again and a worker that recovered comes back.
 */
final class StragglerCutoff {
  /** A straggler is waited for in every round whose number is a multiple of this. */
  static final int PROBE_EVERY = 5;

  private StragglerCutoff() {
  }

  /** Which workers this round leaves out once the others are in: the marked ones, except in a probe round. */
  static boolean[] leaveOut(boolean enabled, boolean[] stragglers, long round) {
    boolean[] out = new boolean[stragglers.length];
    if (enabled && round % PROBE_EVERY != 0) {
      System.arraycopy(stragglers, 0, out, 0, out.length);
    }
    return out;
  }

  /**
   * The {@code System.nanoTime} after which a left-out worker's answer is no longer awaited:
   * {@code factor} times the others' time from the post, and never before they are all in.
   */
  static long deadline(long postedNanos, long othersInNanos, double factor) {
    long others = Math.max(0, othersInNanos - postedNanos);
    return postedNanos + (long) Math.ceil(Math.max(1, factor) * others);
  }
}
