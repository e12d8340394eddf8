package dev.hetero.training.trainer.coordinator;

import java.util.Locale;

/**
 * Where a round's wall time goes (excluding evaluations and checkpoints): the slowest worker's
 * compute, and the rest = the aggregation overhead (encoding and sending the average, the
 * workers loading and reading their models, transfer, decoding, averaging, digests).
 */
final class RoundTiming {
  private int rounds;
  private double total;
  private double slowestCompute;
  private double dispatch;
  private double average;

  void add(double roundSeconds, double slowest, double dispatchSeconds, double averageSeconds) {
    rounds++;
    total += roundSeconds;
    slowestCompute += slowest;
    dispatch += dispatchSeconds;
    average += averageSeconds;
  }

  int rounds() {
    return rounds;
  }

  String summary() {
    double overhead = Math.max(0, total - slowestCompute);
    return String.format(Locale.ROOT,
        "round timing over %d rounds: round %.4f s, slowest worker's compute %.4f s, aggregation overhead %.4f s "
            + "(%.1f %% of the round; of it dispatch %.4f s, averaging + digest %.4f s)",
        rounds, total / rounds, slowestCompute / rounds, overhead / rounds, 100 * overhead / total, dispatch / rounds,
        average / rounds);
  }
}
