package dev.hetero.training.trainer.bench;

import dev.hetero.training.trainer.algo.StepCostModel;
import java.util.List;
import java.util.Locale;

/**
 * The bench's summary as Markdown. Target accuracy = synchronous SGD's final accuracy minus one
 * point; speedups are ratios of virtual times read at the first evaluation reaching it.
 */
final class BenchReport {
  private BenchReport() {
  }

  static String render(List<Bench.ScenarioResult> results, BenchOptions o, StepCostModel cost) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Bench: LeNet on Fashion-MNIST, %d epochs, batch %d per worker, lr %s, seed %d, "
        + "slow workers x%.0f, step cost %.2f ms (median, calibrated in this run), %d evaluations per epoch.%n%n",
        o.epochs(), o.batch(), o.learningRate(), o.seed(), o.slowdown(), 1000 * cost.stepSeconds(o.batch()),
        o.evaluationsPerEpoch()));
    Bench.ScenarioResult sync = results.stream().filter(r -> r.name().equals("sync-all")).findFirst().orElse(null);
    double target = sync == null ? Double.NaN : sync.finalAccuracy() - 0.01;
    double syncTotal = sync == null ? Double.NaN : sync.outcome().virtualSeconds();
    double syncToTarget = sync == null ? Double.NaN : sync.timeTo(target);
    if (sync != null) {
      s.append(String.format(Locale.ROOT, "Target accuracy: %.2f %% (sync-all final %.2f %% minus 1 point).%n%n", 100 * target,
          100 * sync.finalAccuracy()));
    }
    s.append("| scenario | algorithm | workers (batch x local steps) | rounds | final accuracy | virtual time (s) "
        + "| virtual time to target (s) | speedup vs sync-all total | speedup vs sync-all at target |\n");
    s.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (Bench.ScenarioResult r : results) {
      StringBuilder workers = new StringBuilder();
      r.plan().forEach(w -> workers.append(w.batchSize()).append('x').append(w.localSteps()).append(' '));
      double toTarget = r.timeTo(target);
      s.append(String.format(Locale.ROOT, "| %s | %s | %s| %d | %.2f %% | %.1f | %s | %s | %s |%n", r.name(), r.algorithm(),
          workers, r.outcome().rounds(), 100 * r.finalAccuracy(), r.outcome().virtualSeconds(), fmt(toTarget, "%.1f"),
          fmt(syncTotal / toTarget, "%.2fx"), fmt(syncToTarget / toTarget, "%.2fx")));
    }
    return s.toString();
  }

  private static String fmt(double v, String format) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "not reached" : String.format(Locale.ROOT, format, v);
  }
}
