package dev.hetero.training.trainer.net;

import java.time.Duration;

/** Why the coordinator stops waiting for a remote rank's result (pure: times are System.nanoTime values). */
final class MissedRound {
  private MissedRound() {
  }

  /**
   * The reason to leave the rank out of its round now, or null to keep waiting.
   *
   * @param picked whether the rank took its command
   * @param gone whether the connection the rank took it on closed
   * @param cutoff a stop request's deadline for this round (Long.MAX_VALUE: none)
   */
  static String reason(long now, long posted, boolean picked, boolean gone, Duration pickup, Duration deadline, long cutoff) {
    if (gone) {
      return "disconnected during the round";
    }
    if (!picked && now - posted > pickup.toNanos()) {
      return "did not pick up its command within " + pickup.toSeconds() + " s";
    }
    if (now - posted > deadline.toNanos()) {
      return "missed the round deadline of " + deadline.toSeconds() + " s";
    }
    if (cutoff != Long.MAX_VALUE && now - cutoff > 0) {
      return "had not answered by the coordinator's cut-off (a stop request's deadline, or a straggler's)";
    }
    return null;
  }
}
