package dev.hetero.training.study;

import java.util.List;
import java.util.Locale;

/** The study's Markdown, rendered from the results document (results.json as read back). Pure. */
public final class StudyReport {
  static final String HEADLINE_BEGIN = "<!-- study headline: generated from docs/study/results.json, do not edit -->";
  static final String HEADLINE_END = "<!-- end of study headline -->";

  private StudyReport() {
  }

  /** Every level and method. */
  public static String table(StudyResults results) {
    StringBuilder s = new StringBuilder();
    s.append("| level | method | seeds | final accuracy (mean +- sd) | virtual time of the budget (s) | evaluation every (s, at most) "
        + "| time to target (s, mean curve) | seeds reaching it | speedup vs sync-all | vs fast-only | vs best baseline |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StudyResults.Entry e : results.entries()) {
      s.append(String.format(Locale.ROOT, "| %s (target %.2f %%) | %s | %d | %.2f +- %.2f %% | %.1f | %.2f | %s | %d/%d | %s | %s | %s |%n",
          e.level(), e.targetAccuracyPercent(), e.method(), e.seeds(), e.finalAccuracyMeanPercent(), e.finalAccuracySdPoints(),
          e.virtualSecondsOfBudget(), e.evaluationIntervalSeconds(), seconds(e.timeToTargetSeconds()), e.seedsReachingTarget(), e.seeds(),
          ratio(e.speedupVsSyncAll()), ratio(e.speedupVsFastOnly()), ratio(e.speedupVsBestBaseline())));
    }
    return s.toString();
  }

  /** The short table of docs/benchmarks.md: per level the two baselines, plain local SGD and biased local SGD. */
  public static String headline(StudyResults results) {
    StringBuilder s = new StringBuilder();
    s.append(HEADLINE_BEGIN).append('\n');
    s.append(String.format(Locale.ROOT, "Generated %s by `%s`.%n%n", results.date(), results.command()));
    s.append("| level (fast + slow, slowdown) | method | seeds | final accuracy | time to target (s) | vs sync-all | vs fast-only "
        + "| vs best baseline | compute-only model vs sync-all / fast-only |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StudyResults.Entry e : results.entries()) {
      if (!List.of("sync-all", "sync-fast", "local-sgd", "biased").contains(e.method())) {
        continue;
      }
      boolean biased = e.method().equals("biased");
      s.append(String.format(Locale.ROOT, "| %s (%d + %d, %.0fx) | %s | %d | %s%.2f +- %.2f %%%s | %s | %s | %s | %s%s%s | %.2fx / %.2fx |%n",
          e.level(), e.fast(), e.slow(), e.slowdown(), biased ? "**biased local SGD**" : e.method(), e.seeds(), biased ? "**" : "",
          e.finalAccuracyMeanPercent(), e.finalAccuracySdPoints(), biased ? "**" : "", seconds(e.timeToTargetSeconds()),
          ratio(e.speedupVsSyncAll()), ratio(e.speedupVsFastOnly()), biased ? "**" : "", ratio(e.speedupVsBestBaseline()), biased ? "**" : "",
          e.computeOnlySpeedupVsSyncAll(), e.computeOnlySpeedupVsFastOnly()));
    }
    s.append('\n').append(targets(results)).append(HEADLINE_END).append('\n');
    return s.toString();
  }

  /** The two targets, read off the results (reported, never tuned to). */
  static String targets(StudyResults results) {
    StringBuilder s = new StringBuilder("Against the targets (issue 17):\n");
    results.entry(Level.X4_2F6S.name(), "biased").ifPresent(b -> results.entry(Level.X4_2F6S.name(), "sync-all").ifPresent(a -> {
      double gap = b.finalAccuracyMeanPercent() - a.finalAccuracyMeanPercent();
      s.append(String.format(Locale.ROOT, "- %s: biased local SGD reaches the target %s sooner than the best baseline (%s; target >= 1.50x: %s); "
          + "final accuracy %+.2f points against sync-all (target within 0.5 point: %s).%n", b.level(), ratio(b.speedupVsBestBaseline()),
          b.bestBaseline(), met(b.speedupVsBestBaseline() != null && b.speedupVsBestBaseline() >= 1.5), gap, met(Math.abs(gap) <= 0.5)));
    }));
    results.entry(Level.X32_8F2S.name(), "biased").ifPresent(b -> results.entry(Level.X32_8F2S.name(), "sync-all").ifPresent(a -> {
      s.append(String.format(Locale.ROOT, "- %s (the paper's topology): biased local SGD reaches the target %s sooner than sync-all "
          + "(target >= 20x: %s; compute-only model %.1fx); final accuracy %+.2f points against sync-all.%n", b.level(),
          ratio(b.speedupVsSyncAll()), met(b.speedupVsSyncAll() != null && b.speedupVsSyncAll() >= 20), b.computeOnlySpeedupVsSyncAll(),
          b.finalAccuracyMeanPercent() - a.finalAccuracyMeanPercent()));
    }));
    return s.toString();
  }

  /** The sampling bias, paired by seed. */
  public static String samplingBias(StudyResults results) {
    StringBuilder s = new StringBuilder("| level | slow workers' share of a round's samples | comparison | paired seeds "
        + "| final accuracy change (points, mean +- sd) | within noise (< 2 standard errors) | time to target without -> with (s) |\n"
        + "|---|---:|---|---:|---:|---|---:|\n");
    for (SamplingBias.Effect e : results.samplingBias()) {
      s.append(String.format(Locale.ROOT, "| %s | %.1f %% | %s -> %s | %d | %+.2f +- %.2f | %s | %s -> %s |%n", e.level(),
          100 * e.slowShareOfSamples(), e.without(), e.with(), e.pairs(), e.accuracyDeltaMeanPoints(), e.accuracyDeltaSdPoints(),
          e.withinNoise() ? "yes" : "no", seconds(e.timeToTargetWithout()), seconds(e.timeToTargetWith())));
    }
    return s.toString();
  }

  /** {@code document} with the text between the headline markers replaced (markers appended at the end if absent). */
  public static String spliceHeadline(String document, String headline) {
    int begin = document.indexOf(HEADLINE_BEGIN);
    int end = document.indexOf(HEADLINE_END);
    if (begin < 0 || end < begin) {
      return document + "\n" + headline;
    }
    int after = end + HEADLINE_END.length();
    if (after < document.length() && document.charAt(after) == '\n') {
      after++;
    }
    return document.substring(0, begin) + headline + document.substring(after);
  }

  private static String met(boolean met) {
    return met ? "met" : "not met";
  }

  private static String seconds(Double v) {
    return v == null || !Double.isFinite(v) ? "not reached" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ratio(Double v) {
    return v == null || !Double.isFinite(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
  }
}
