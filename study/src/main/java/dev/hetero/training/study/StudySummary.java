package dev.hetero.training.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns runs into the table's rows: per level and method, final accuracy mean and standard
 * deviation over seeds, time to the level's target accuracy on the mean-over-seeds curve (the
 * one the plots show: a single unlucky seed cannot blank a cell), and speedups against
 * synchronous SGD on all workers and on the fast workers only. Pure.
 *
 * <p>The target of a level is synchronous SGD on all workers' mean final accuracy minus
 * {@code margin} points: "nearly identical accuracy" made concrete.
 */
public final class StudySummary {
  private StudySummary() {
  }

  public record Row(String level, String method, int seeds, double accuracyMean, double accuracySd, double virtualSecondsMean,
      double timeToTarget, int reachedTarget, double speedupVsSyncAll, double speedupVsSyncFast, double target) {
  }

  public static List<Row> rows(List<RunResult> runs, double marginPoints) {
    Map<String, Map<String, List<RunResult>>> byLevel = runs.stream().collect(Collectors.groupingBy(RunResult::level, TreeMap::new,
        Collectors.groupingBy(RunResult::method, TreeMap::new, Collectors.toList())));
    List<Row> rows = new ArrayList<>();
    byLevel.forEach((level, byMethod) -> {
      List<RunResult> syncAll = byMethod.getOrDefault(Method.SYNC_ALL.label(), List.of());
      double target = mean(syncAll.stream().mapToDouble(RunResult::finalAccuracy).toArray()) - marginPoints / 100.0;
      double syncAllTime = meanCurveTime(syncAll, target);
      double syncFastTime = meanCurveTime(byMethod.getOrDefault(Method.SYNC_FAST.label(), List.of()), target);
      for (Method m : Method.values()) {
        List<RunResult> rs = byMethod.get(m.label());
        if (rs == null) {
          continue;
        }
        double[] acc = rs.stream().mapToDouble(RunResult::finalAccuracy).toArray();
        double time = meanCurveTime(rs, target);
        int reached = (int) rs.stream().filter(r -> !Double.isNaN(r.timeTo(target))).count();
        rows.add(new Row(level, m.label(), rs.size(), mean(acc), sd(acc), mean(rs.stream().mapToDouble(RunResult::virtualSeconds).toArray()),
            time, reached, syncAllTime / time, syncFastTime / time, target));
      }
    });
    return rows;
  }

  /**
   * First evaluation at which the mean accuracy over seeds reaches the target, at the mean virtual
   * time of that evaluation; NaN if the mean curve never reaches it.
   */
  static double meanCurveTime(List<RunResult> runs, double target) {
    int points = runs.stream().mapToInt(r -> r.curve().size()).min().orElse(0);
    for (int i = 0; i < points; i++) {
      int index = i;
      double accuracy = runs.stream().mapToDouble(r -> r.curve().get(index).accuracy()).average().orElse(Double.NaN);
      if (accuracy >= target) {
        return runs.stream().mapToDouble(r -> r.curve().get(index).virtualSeconds()).average().orElse(Double.NaN);
      }
    }
    return Double.NaN;
  }

  /** Median over seeds of the time to target; NaN unless every seed reached it. */
  static double medianTime(List<RunResult> runs, double target) {
    double[] times = runs.stream().mapToDouble(r -> r.timeTo(target)).sorted().toArray();
    if (times.length == 0 || java.util.Arrays.stream(times).anyMatch(Double::isNaN)) {
      return Double.NaN;
    }
    int n = times.length;
    return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  }

  static double mean(double[] xs) {
    return xs.length == 0 ? Double.NaN : java.util.Arrays.stream(xs).average().orElse(Double.NaN);
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
