package dev.hetero.training.study;

import java.util.ArrayList;
import java.util.List;

/**
 * What the sampling bias (slow workers train on the highest-loss candidates) changes, per level:
 * the same seed with and without it, once without the aggregation bias (local-sgd against
 * +sampling) and once with it (+aggregation against biased). Pairing by seed removes the
 * seed-to-seed spread the two runs share (same initial model, same fast workers' data order). Pure.
 */
public final class SamplingBias {
  private SamplingBias() {
  }

  /**
   * @param accuracyDeltaMeanPoints mean over paired seeds of (with - without) final accuracy, in points
   * @param accuracyDeltaSdPoints their sample standard deviation
   * @param withinNoise whether |mean| is under two standard errors (sd / sqrt(pairs)), or fewer than two pairs
   */
  public record Effect(String level, double slowShareOfSamples, String without, String with, int pairs, double accuracyDeltaMeanPoints,
      double accuracyDeltaSdPoints, boolean withinNoise, Double timeToTargetWithout, Double timeToTargetWith) {
  }

  public static List<Effect> effects(List<RunResult> runs, List<StudySummary.Row> rows, List<Level> levels) {
    List<Effect> effects = new ArrayList<>();
    for (Level level : levels) {
      effect(runs, rows, level, Method.LOCAL_SGD, Method.SAMPLING).ifPresent(effects::add);
      effect(runs, rows, level, Method.AGGREGATION, Method.BIASED).ifPresent(effects::add);
    }
    return effects;
  }

  static java.util.Optional<Effect> effect(List<RunResult> runs, List<StudySummary.Row> rows, Level level, Method without, Method with) {
    List<RunResult> a = StudySummary.runsOf(runs, level, without);
    List<RunResult> b = StudySummary.runsOf(runs, level, with);
    double[] deltas = a.stream().flatMap(x -> b.stream().filter(y -> y.seed() == x.seed())
        .map(y -> 100 * (y.finalAccuracy() - x.finalAccuracy()))).mapToDouble(Double::doubleValue).toArray();
    if (deltas.length == 0) {
      return java.util.Optional.empty();
    }
    double mean = StudySummary.mean(deltas);
    double sd = StudySummary.sd(deltas);
    boolean withinNoise = deltas.length < 2 || Math.abs(mean) < 2 * sd / Math.sqrt(deltas.length);
    return java.util.Optional.of(new Effect(level.name(), level.slowShareOfSamples(), without.label(), with.label(), deltas.length, mean, sd,
        withinNoise, time(rows, level, without), time(rows, level, with)));
  }

  /** Time to target on the mean curve; null if not reached (results.json has no NaN). */
  private static Double time(List<StudySummary.Row> rows, Level level, Method m) {
    return StudyResults.finite(rows.stream().filter(r -> r.level().equals(level) && r.method().equals(m.label()))
        .mapToDouble(StudySummary.Row::timeToTarget).findFirst().orElse(Double.NaN));
  }
}
