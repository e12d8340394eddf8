package dev.hetero.training.study;

import java.util.Locale;
import java.util.stream.Collectors;

/** The text of docs/study/results.md around the tables, rendered from the results document. Pure. */
public final class StudyDocument {
  private StudyDocument() {
  }

  public static String results(StudyResults r, double evaluationSeconds, double totalSeconds, boolean fromRuns) {
    StudyResults.Settings s = r.settings();
    int runs = r.entries().stream().mapToInt(StudyResults.Entry::seeds).sum();
    StringBuilder d = new StringBuilder("# Time-to-accuracy study (generated from results.json)\n\n");
    d.append(String.format(Locale.ROOT, """
        Generated %s by `%s`. Fashion-MNIST (60k/10k), LeNet with BatchNorm, batch %d per worker, lr %s with x0.1 decay at 60 %% and
        80 %% of a budget of %d epochs counted in global samples, momentum 0.9, weight decay 1e-4. Virtual clock: every step of every
        worker is charged %.2f ms (the LeNet step measured at the start of the grid) times the worker's slowdown; a round costs its
        slowest worker plus the communication model. Target accuracy per level: sync-all's mean accuracy at the end of its curve
        minus %.1f point; time to target is the first evaluation at which the mean accuracy over seeds reaches it (the curves
        plotted below). Final accuracy: the final averaged model on all 10,000 test images.

        Time resolution: the averaged model is evaluated every 1/%d epoch of global samples and at the end (%d points per budget).
        Every round of a run costs the same virtual time, so this is also a fixed virtual-time grid: one point every budget/%d,
        whose width per method is the column "evaluation every". Local SGD has a model to evaluate only after an averaging round,
        so where a round holds more than 1/%d epoch of samples (32x-4f2s: 8,320 a round, 32x-8f2s: 16,512) the curve has one point
        per round and the resolution is one round. Cost: an evaluation of all 10,000 test images took %.2f s of wall time here, so
        %d of them would add about %.0f s to every run; the points of the curves (and so the targets and times to target) are
        measured on %d test images (every fifth, spread over the file; its binomial noise on one model is about 0.7 point, and much
        less on differences between models, which mostly fail on the same images), the final accuracy on all 10,000. The virtual
        clock charges evaluation nothing, so the cost changes the grid's wall time only.

        Grid: %.0f s of wall time (%d runs, %d JVMs at a time); whole command %.0f s%s.
        """, r.date(), r.command(), s.batch(), s.learningRate(), s.epochs(), 1000 * s.stepSeconds(), s.marginPoints(), s.evaluationsPerEpoch(),
        s.epochs() * s.evaluationsPerEpoch(), s.epochs() * s.evaluationsPerEpoch(), s.evaluationsPerEpoch(), evaluationSeconds,
        s.epochs() * s.evaluationsPerEpoch(), evaluationSeconds * s.epochs() * s.evaluationsPerEpoch(), s.curveTestImages(), s.gridSeconds(), runs, s.parallel(),
        totalSeconds, fromRuns ? " (this invocation re-summarised the grid's saved runs)" : ""));
    if (!s.skippedRuns().isEmpty()) {
      d.append("\nRuns not in the table (they did not fit the time limit given by --stop-after-minutes, or failed): ")
          .append(s.skippedRuns().stream().collect(Collectors.joining(", "))).append(". The seeds column says how many each cell has.\n");
    }
    d.append("\n").append(StudyReport.table(r)).append("\n");
    d.append("Best baseline: per level the faster of sync-all and sync-fast (fast-only) to the target; compute-only model "
        + "(sum of local steps over workers, the paper's 25.8x for 8 GPUs + 2 CPUs at 32:1) against sync-all / fast-only: ");
    d.append(r.entries().stream().filter(e -> e.method().equals("sync-all"))
        .map(e -> String.format(Locale.ROOT, "%s %.2fx / %.2fx", e.level(), e.computeOnlySpeedupVsSyncAll(), e.computeOnlySpeedupVsFastOnly()))
        .collect(Collectors.joining("; "))).append(".\n\n");
    d.append(StudyReport.targets(r)).append("\n");
    d.append("## The sampling bias, paired by seed\n\n").append(StudyReport.samplingBias(r)).append('\n');
    long noisy = r.samplingBias().stream().filter(SamplingBias.Effect::withinNoise).count();
    d.append(String.format(Locale.ROOT, "In %d of %d comparisons the sampling bias's change in final accuracy is within noise "
        + "(under two standard errors of the paired differences). Not tuned: candidate ratio 4 and the reference code's settings throughout.%n%n",
        noisy, r.samplingBias().size()));
    d.append("## Plots\n\n");
    for (String level : r.levels()) {
      d.append("![accuracy vs time, ").append(level).append("](accuracy-vs-time-").append(level).append(".png)\n");
    }
    d.append("![speedup vs sync-all](speedup-vs-heterogeneity.png)\n![speedup vs best baseline](speedup-vs-best-baseline.png)\n\n");
    d.append("""
        ## What this shows and what it does not

        It shows time to a target accuracy on a virtual clock that charges each step its measured cost times a declared slowdown,
        with the trainer's own round loop, sampling and averaging, real data and real training. It does not show wall time on real
        heterogeneous nodes (out of scope here: no such nodes; the one run with real processes below shares two cores), a larger
        model or dataset, budgets past 2 epochs, or the self-balancing plan (not in this grid).
        """);
    return d.toString();
  }
}
