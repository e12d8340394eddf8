package dev.hetero.training.study;

import java.util.List;
import java.util.Locale;

/** The study's Markdown table. */
public final class StudyReport {
  private StudyReport() {
  }

  public static String table(List<StudySummary.Row> rows) {
    StringBuilder s = new StringBuilder();
    s.append("| level | method | seeds | final accuracy (mean +- sd) | virtual time of the budget (s) | time to target (s, mean curve) | seeds reaching it "
        + "| speedup vs sync-all | speedup vs sync-fast |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    String level = null;
    for (StudySummary.Row r : rows) {
      if (!r.level().equals(level)) {
        level = r.level();
      }
      s.append(String.format(Locale.ROOT, "| %s (target %.2f %%) | %s | %d | %.2f +- %.2f %% | %.1f | %s | %d/%d | %s | %s |%n",
          r.level(), 100 * r.target(), r.method(), r.seeds(), 100 * r.accuracyMean(), 100 * r.accuracySd(), r.virtualSecondsMean(),
          Double.isNaN(r.timeToTarget()) ? "not reached" : fmt(r.timeToTarget()), r.reachedTarget(), r.seeds(),
          ratio(r.speedupVsSyncAll()), ratio(r.speedupVsSyncFast())));
    }
    return s.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ratio(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
  }
}
