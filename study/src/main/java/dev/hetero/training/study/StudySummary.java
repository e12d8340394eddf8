package dev.hetero.training.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns runs into the table's rows: per level and method, final accuracy mean and standard
 * deviation over seeds, time to the level's target accuracy on the mean-over-seeds curve (the
 * one the plots show: a single unlucky seed cannot blank a cell), and speedups against
 * synchronous SGD on all workers, on the fast workers only, and against the better of the two
 * (the best baseline: what a practitioner would otherwise run). Pure.
 *
 * <p>The target of a level is synchronous SGD on all workers' mean accuracy at the end of the
 * curve minus {@code margin} points: "nearly identical accuracy" made concrete, on the same
 * evaluation subset the curves use (the final accuracy columns use the whole test set).
 */
public final class StudySummary {
  private StudySummary() {
  }

  /**
   * @param evaluationIntervalSeconds the widest gap in virtual time between two evaluations of the mean curve
   *     (from time 0 to the first one included): the resolution of {@code timeToTarget}
   * @param bestBaseline the label of the faster baseline to the target, or null if neither reached it
   */
  public record Row(Level level, String method, int seeds, double accuracyMean, double accuracySd, double virtualSecondsMean,
      double evaluationIntervalSeconds, double timeToTarget, int reachedTarget, double speedupVsSyncAll, double speedupVsFastOnly,
      double speedupVsBestBaseline, String bestBaseline, double target, List<RunResult.Point> meanCurve) {
  }

  public static List<Row> rows(List<RunResult> runs, List<Level> levels, double marginPoints) {
    List<Row> rows = new ArrayList<>();
    for (Level level : levels) {
      List<RunResult> syncAll = runsOf(runs, level, Method.SYNC_ALL);
      if (syncAll.isEmpty()) {
        continue; // no target without sync-all
      }
      // the curve's own measure (the evaluation subset): its last point, not the full-test final accuracy
      double target = mean(syncAll.stream().mapToDouble(StudySummary::lastCurveAccuracy).toArray()) - marginPoints / 100.0;
      double syncAllTime = timeTo(meanCurve(syncAll), target);
      double fastOnlyTime = timeTo(meanCurve(runsOf(runs, level, Method.SYNC_FAST)), target);
      String best = bestBaseline(syncAllTime, fastOnlyTime);
      double bestTime = best == null ? Double.NaN : Math.min(nanAsInfinity(syncAllTime), nanAsInfinity(fastOnlyTime));
      for (Method m : Method.values()) {
        List<RunResult> rs = runsOf(runs, level, m);
        if (rs.isEmpty()) {
          continue;
        }
        double[] acc = rs.stream().mapToDouble(RunResult::finalAccuracy).toArray();
        List<RunResult.Point> curve = meanCurve(rs);
        double time = timeTo(curve, target);
        int reached = (int) rs.stream().filter(r -> !Double.isNaN(r.timeTo(target))).count();
        rows.add(new Row(level, m.label(), rs.size(), mean(acc), sd(acc), mean(rs.stream().mapToDouble(RunResult::virtualSeconds).toArray()),
            widestGap(curve), time, reached, syncAllTime / time, fastOnlyTime / time, bestTime / time, best, target, curve));
      }
    }
    return rows;
  }

  static double lastCurveAccuracy(RunResult r) {
    return r.curve().isEmpty() ? Double.NaN : r.curve().get(r.curve().size() - 1).accuracy();
  }

  static List<RunResult> runsOf(List<RunResult> runs, Level level, Method method) {
    return runs.stream().filter(r -> r.level().equals(level.name()) && r.method().equals(method.label())).toList();
  }

  /** The faster of the two baselines to the target (sync-all on a tie: it is the reference), null if neither reached it. */
  static String bestBaseline(double syncAllTime, double fastOnlyTime) {
    if (Double.isNaN(syncAllTime) && Double.isNaN(fastOnlyTime)) {
      return null;
    }
    return nanAsInfinity(fastOnlyTime) < nanAsInfinity(syncAllTime) ? Method.SYNC_FAST.label() : Method.SYNC_ALL.label();
  }

  /**
   * The mean over seeds at each evaluation index, at the mean virtual time of that evaluation (the
   * schedule is deterministic: every seed of a method evaluates at the same virtual times).
   */
  static List<RunResult.Point> meanCurve(List<RunResult> runs) {
    int points = runs.stream().mapToInt(r -> r.curve().size()).min().orElse(0);
    List<RunResult.Point> curve = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      int index = i;
      curve.add(new RunResult.Point(runs.stream().mapToDouble(r -> r.curve().get(index).epoch()).average().orElseThrow(),
          runs.stream().mapToDouble(r -> r.curve().get(index).virtualSeconds()).average().orElseThrow(),
          runs.stream().mapToDouble(r -> r.curve().get(index).accuracy()).average().orElseThrow()));
    }
    return curve;
  }

  /** Virtual time of the first point at or above the target; NaN if none is. */
  static double timeTo(List<RunResult.Point> curve, double target) {
    return curve.stream().filter(p -> p.accuracy() >= target).mapToDouble(RunResult.Point::virtualSeconds).findFirst().orElse(Double.NaN);
  }

  /** The widest gap between successive evaluations, counting from time 0. */
  static double widestGap(List<RunResult.Point> curve) {
    double previous = 0;
    double widest = 0;
    for (RunResult.Point p : curve) {
      widest = Math.max(widest, p.virtualSeconds() - previous);
      previous = p.virtualSeconds();
    }
    return widest;
  }

  private static double nanAsInfinity(double v) {
    return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
  }

  static double mean(double[] xs) {
    return xs.length == 0 ? Double.NaN : Arrays.stream(xs).average().orElse(Double.NaN);
  }

  /** Sample standard deviation (n - 1); 0 for a single run. */
  static double sd(double[] xs) {
    if (xs.length < 2) {
      return 0;
    }
    double m = mean(xs);
    double ss = 0;
    for (double x : xs) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (xs.length - 1));
  }
}
