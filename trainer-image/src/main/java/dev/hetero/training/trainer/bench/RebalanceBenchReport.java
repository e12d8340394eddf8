package dev.hetero.training.trainer.bench;

import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.bench.RebalanceBench.Run;
import java.util.List;
import java.util.Locale;

/** The rebalance bench's summary table (markdown), from its runs. */
final class RebalanceBenchReport {
  private RebalanceBenchReport() {
  }

  static String render(RebalanceBenchOptions o, StepCostModel cost, List<Run> slowdown, double slowOptimum, List<Run> labels,
      double labelOptimum) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Rebalance bench: 4 LeNet workers, batch %d, equalTime base %d, %d epoch(s), seed %d,"
        + " step cost %.2f ms, slowdown x%s%n%n", o.batch(), o.base(), o.epochs(), o.seed(), 1000 * cost.stepSeconds(o.batch()),
        o.slowdown()));
    s.append(String.format(Locale.ROOT, "Slowdown after round %d; optimum for the new speeds %.3f ms per sample.%n%n",
        o.changeRound(), 1000 * slowOptimum));
    table(s, slowdown, slowOptimum, o.changeRound());
    for (Run rebalanced : slowdown.subList(1, slowdown.size())) {
      long back = rebalanced.firstWithin(slowOptimum, o.changeRound());
      s.append(String.format(Locale.ROOT, "%n%s: rounds from the slowdown until seconds per sample are within 10 %% of the"
          + " optimum: %s (counting the first slowed round, %d, as 1).%n", rebalanced.name(),
          back < 0 ? "never" : String.valueOf(back - o.changeRound()), o.changeRound() + 1));
    }
    s.append(String.format(Locale.ROOT, "%nWrong labels (2 of 4 workers x%s slower than labelled); optimum (correct labels)"
        + " %.3f ms per sample.%n%n", o.slowdown(), 1000 * labelOptimum));
    table(s, labels, labelOptimum, 0);
    long matched = labels.get(1).firstWithin(labelOptimum, 0);
    List<Long> changes = labels.get(1).workChanges();
    s.append(String.format(Locale.ROOT, "%nRounds until the rebalanced plan is within 10 %% of the correct labels' seconds per"
        + " sample: %s; its work last changed in round %s.%n", matched < 0 ? "never" : String.valueOf(matched),
        changes.isEmpty() ? "none" : String.valueOf(changes.get(changes.size() - 1))));
    return s.toString();
  }

  /** Target: the group's lowest final accuracy minus 1 point, so every run of the group reaches it. */
  private static void table(StringBuilder s, List<Run> runs, double optimum, int fromRound) {
    double target = runs.stream().mapToDouble(Run::finalAccuracy).min().orElse(0) - 0.01;
    s.append(String.format(Locale.ROOT, "Target accuracy %.2f %%.%n%n", 100 * target));
    s.append("| run | rounds | work changes (rounds) | s/sample after round ").append(fromRound)
        .append(" / optimum (median) | final accuracy | virtual time (s) | time to target (s) |\n");
    s.append("|---|---:|---|---:|---:|---:|---:|\n");
    for (Run r : runs) {
      double[] after = r.secondsPerSample().stream().skip(fromRound).mapToDouble(Double::doubleValue).sorted().toArray();
      double median = after.length == 0 ? Double.NaN : after[after.length / 2];
      String changes = r.workChanges().isEmpty() ? "none" : r.workChanges().size() <= 6 ? r.workChanges().toString()
          : r.workChanges().subList(0, 6) + " +" + (r.workChanges().size() - 6);
      s.append(String.format(Locale.ROOT, "| %s | %d | %s | %.3f | %.2f %% | %.2f | %.2f |%n", r.name(), r.outcome().rounds(),
          changes, median / optimum, 100 * r.finalAccuracy(), r.outcome().virtualSeconds(), r.timeTo(target)));
    }
  }
}
