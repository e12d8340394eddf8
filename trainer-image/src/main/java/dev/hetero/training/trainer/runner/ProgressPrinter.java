package dev.hetero.training.trainer.runner;

import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.RoundReport;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The live progress line: epoch, round, loss, last accuracy, samples/s, ETA and a bar. On a
 * terminal it redraws one line; otherwise (CI logs) it prints a line per evaluation.
 */
public final class ProgressPrinter {
  private final PrintStream out;
  private final boolean redraw;
  private final boolean quiet;
  private double lastAccuracy = Double.NaN;
  private boolean lineOpen;

  public ProgressPrinter(PrintStream out, boolean redraw, boolean quiet) {
    this.out = out;
    this.redraw = redraw;
    this.quiet = quiet;
  }

  public synchronized void onRound(RoundReport r) {
    if (quiet || !redraw) {
      return;
    }
    out.print("\r" + line(r.epoch(), r.budgetEpochs(), r.round(), r.trainLoss(), r.samplesPerSecond(), r.elapsedSeconds()) + "   ");
    out.flush();
    lineOpen = true;
  }

  public synchronized void onEvaluation(EvaluationReport e, double budgetEpochs) {
    lastAccuracy = e.accuracy();
    if (quiet) {
      return;
    }
    String text = line(e.epoch(), budgetEpochs, e.round(), e.trainLoss(), e.samplesPerSecond(), e.elapsedSeconds());
    out.println((redraw ? "\r" : "") + text);
    lineOpen = false;
  }

  public synchronized void finish() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  String line(double epoch, double budget, long round, double loss, double sps, double elapsed) {
    double fraction = budget > 0 ? Math.min(1, epoch / budget) : 0;
    int width = 20;
    int filled = (int) Math.round(fraction * width);
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : Double.NaN;
    String acc = Double.isNaN(lastAccuracy) ? "  -   " : String.format(Locale.ROOT, "%5.2f%%", 100 * lastAccuracy);
    return String.format(Locale.ROOT, "[%s] epoch %5.2f/%-3.0f round %6d  loss %.4f  acc %s  %7.0f samples/s  ETA %s", bar, epoch,
        budget, round, loss, acc, sps, duration(eta));
  }

  static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "--";
    }
    long s = Math.round(seconds);
    return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
  }
}
