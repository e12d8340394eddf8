package dev.hetero.training.trainer.bench;

import dev.hetero.training.trainer.round.AscentStats;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The SAM benchmark's summary as Markdown: accuracy mean and sd over seeds, time per epoch, waiting, b_p. */
final class SamBenchReport {
  private SamBenchReport() {
  }

  static String render(List<SamBench.Run> runs, List<SamBench.Live> live, SamBenchOptions o, SamCosts costs) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "SAM bench: LeNet on Fashion-MNIST (60k/10k), %d epochs, batch %d, lr %s (x0.1 at 60 %% and"
        + " 80 %%), momentum 0.9, weight decay 1e-4, rho %s, tau %d, b_p %s, helper x%s, %d seeds, %d evaluations per epoch.%n%n",
        o.epochs(), o.batch(), o.learningRate(), o.rho(), o.staleness(), o.perturbationBatch(), fmt(o.helperSlowdown()), o.seeds(),
        o.evaluationsPerEpoch()));
    s.append(String.format(Locale.ROOT, "Calibration (median, 1 thread): sgd step %.2f ms, sam step %.2f ms (x%.2f), asyncSAM"
        + " worker step %.2f ms (x%.3f); ascent on an unslowed helper: %s; b_p auto aims at %d for a helper x%s.%n%n",
        1000 * costs.sgd(), 1000 * costs.sam(), costs.sam() / costs.sgd(), 1000 * costs.async(), costs.async() / costs.sgd(),
        ascentCosts(costs), costs.autoBatch(o.helperSlowdown()), fmt(o.helperSlowdown())));
    s.append("Virtual clock (the simulated fast/slow pair):\n\n");
    s.append("| method | final accuracy, mean +- sd | min .. max | virtual s/epoch (median) | vs sgd | wait share (median) "
        + "| mean age (steps) | b_p at the end | helper utilisation |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    double sgdEpoch = median(of(runs, "sgd"), r -> perEpoch(r, o));
    for (String method : o.methods()) {
      List<SamBench.Run> m = of(runs, method);
      double[] acc = m.stream().mapToDouble(r -> r.outcome().last().accuracy()).toArray();
      double epoch = median(m, r -> perEpoch(r, o));
      boolean async = m.get(0).outcome().ascent() != null;
      s.append(String.format(Locale.ROOT, "| %s | %.2f +- %.2f %% | %.2f .. %.2f %% | %.2f | %s | %s | %s | %s | %s |%n", method,
          100 * mean(acc), 100 * sd(acc), 100 * Arrays.stream(acc).min().orElse(0), 100 * Arrays.stream(acc).max().orElse(0), epoch,
          ratio(epoch, sgdEpoch), async ? pct(median(m, r -> r.outcome().ascent().waitFraction())) : "-",
          async ? fmt2(median(m, r -> r.outcome().ascent().meanAge())) : "-",
          async ? fmt(median(m, r -> r.outcome().ascent().perturbationBatch())) : "-",
          async ? pct(median(m, r -> r.outcome().ascent().helperUtilisation())) : "-"));
    }
    s.append("\n| method | seed | final accuracy | virtual s | simulation wall s |\n|---|---:|---:|---:|---:|\n");
    for (SamBench.Run r : runs) {
      s.append(String.format(Locale.ROOT, "| %s | %d | %.2f %% | %.1f | %.0f |%n", r.method(), r.seed(),
          100 * r.outcome().last().accuracy(), r.outcome().virtualSeconds(), r.wallSeconds()));
    }
    if (!live.isEmpty()) {
      s.append("\nWall clock (real processes and sleeps, seed 1; the helper process sleeps out its slowdown):\n\n");
      s.append("| method | final accuracy | training wall s/epoch | vs sgd | wait share | mean age | b_p at the end | helper utilisation |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
      double sgdWall = live.stream().filter(l -> l.method().equals("sgd")).mapToDouble(l -> l.summary().wallSeconds() / o.epochs())
          .findFirst().orElse(Double.NaN);
      for (SamBench.Live l : live) {
        AscentStats a = l.summary().ascent();
        double epoch = l.summary().wallSeconds() / o.epochs();
        s.append(String.format(Locale.ROOT, "| %s | %.2f %% | %.2f | %s | %s | %s | %s | %s |%n", l.method(),
            100 * l.summary().finalAccuracy(), epoch, ratio(epoch, sgdWall), a == null ? "-" : pct(a.waitFraction()),
            a == null ? "-" : fmt2(a.meanAge()), a == null ? "-" : Integer.toString(a.perturbationBatch()),
            a == null ? "-" : pct(a.helperUtilisation())));
      }
    }
    return s.toString();
  }

  static String runLine(SamBench.Run r, SamBenchOptions o) {
    AscentStats a = r.outcome().ascent();
    return String.format(Locale.ROOT, "%s seed %d: %.2f %%, %.2f virtual s/epoch (%.0f s of wall time)%s", r.method(), r.seed(),
        100 * r.outcome().last().accuracy(), perEpoch(r, o), r.wallSeconds(), a == null ? ""
            : String.format(Locale.ROOT, "; waited %.1f %% of its step time, mean age %.2f, b_p %d, helper busy %.0f %%",
                100 * a.waitFraction(), a.meanAge(), a.perturbationBatch(), 100 * a.helperUtilisation()));
  }

  static String ascentCosts(SamCosts costs) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<Integer, Double> e : costs.ascentByBatch().entrySet()) {
      s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %.2f ms", e.getKey(), 1000 * e.getValue()));
    }
    return s.toString();
  }

  private static double perEpoch(SamBench.Run r, SamBenchOptions o) {
    return r.outcome().virtualSeconds() / r.outcome().last().epoch();
  }

  private static List<SamBench.Run> of(List<SamBench.Run> runs, String method) {
    return runs.stream().filter(r -> r.method().equals(method)).toList();
  }

  private static double median(List<SamBench.Run> runs, ToDoubleFunction<SamBench.Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** Sample standard deviation (n - 1). */
  private static double sd(double[] v) {
    double m = mean(v);
    return v.length < 2 ? 0 : Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
  }

  private static String ratio(double v, double base) {
    return Double.isNaN(base) ? "-" : String.format(Locale.ROOT, "%.3fx", v / base);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  private static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
