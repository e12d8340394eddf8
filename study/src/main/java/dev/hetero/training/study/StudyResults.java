package dev.hetero.training.study;

import java.util.List;

/**
 * The study's machine-readable results ({@code docs/study/results.json}): one entry per level and
 * method, self-contained (each names the command and date that produced it), plus the sampling
 * bias's paired differences. The Markdown tables and the plots are rendered from this document
 * as read back from the file. Absent values (a target not reached) are null.
 */
public record StudyResults(String command, String date, Settings settings, List<Entry> entries, List<SamplingBias.Effect> samplingBias) {

  /**
   * @param curveTestImages test images each point of a curve is measured on (the final accuracy uses all of them)
   * @param skippedRuns runs of the grid that did not run (the time limit) or failed: the reason a level has fewer seeds
   */
  public record Settings(int epochs, int batch, double learningRate, double marginPoints, int evaluationsPerEpoch, int curveTestImages,
      double stepSeconds, int parallel, double gridSeconds, List<String> skippedRuns) {
  }

  /** fast and slow: the level's counts (sync-fast leaves the slow ones idle). */
  public record Entry(String level, int fast, int slow, double slowdown, String method, int seeds, double finalAccuracyMeanPercent,
      double finalAccuracySdPoints, double targetAccuracyPercent, double virtualSecondsOfBudget, double evaluationIntervalSeconds,
      Double timeToTargetSeconds, int seedsReachingTarget, Double speedupVsSyncAll, Double speedupVsFastOnly, Double speedupVsBestBaseline,
      String bestBaseline, double computeOnlySpeedupVsSyncAll, double computeOnlySpeedupVsFastOnly, String command, String date,
      List<CurvePoint> meanCurve) {
  }

  /** One evaluation of the mean-over-seeds curve. */
  public record CurvePoint(double virtualSeconds, double accuracyPercent) {
  }

  public static StudyResults of(String command, String date, Settings settings, List<StudySummary.Row> rows, List<SamplingBias.Effect> bias) {
    return new StudyResults(command, date, settings, rows.stream().map(r -> entry(r, command, date)).toList(), bias);
  }

  static Entry entry(StudySummary.Row r, String command, String date) {
    Level l = r.level();
    return new Entry(l.name(), l.fast(), l.slow(), l.slowdown(), r.method(), r.seeds(),
        100 * r.accuracyMean(), 100 * r.accuracySd(), 100 * r.target(), r.virtualSecondsMean(), r.evaluationIntervalSeconds(),
        finite(r.timeToTarget()), r.reachedTarget(), finite(r.speedupVsSyncAll()), finite(r.speedupVsFastOnly()),
        finite(r.speedupVsBestBaseline()), r.bestBaseline(), l.computeOnlySpeedup(), l.computeOnlySpeedupVsFastOnly(), command, date,
        r.meanCurve().stream().map(p -> new CurvePoint(p.virtualSeconds(), 100 * p.accuracy())).toList());
  }

  /** JSON has no NaN: a value that was not measured is null. */
  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  public List<String> levels() {
    return entries.stream().map(Entry::level).distinct().toList();
  }

  public java.util.Optional<Entry> entry(String level, String method) {
    return entries.stream().filter(e -> e.level().equals(level) && e.method().equals(method)).findFirst();
  }
}
