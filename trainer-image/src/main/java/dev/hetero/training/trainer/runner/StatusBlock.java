package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import java.util.List;
import java.util.Locale;

/** The final status, laid out like the operator's status of the job (phase, plan, training progress). */
public final class StatusBlock {
  private StatusBlock() {
  }

  public static String render(String job, String phase, String algorithm, List<PlannedWorker> plan, TrainingProgress progress,
      double wallSeconds, double virtualSeconds, String output) {
    StringBuilder s = new StringBuilder();
    s.append("Name:       ").append(job).append('\n');
    s.append("Phase:      ").append(phase).append('\n');
    s.append("Algorithm:  ").append(algorithm).append('\n');
    s.append("Plan:\n");
    s.append(String.format(Locale.ROOT, "  %-32s %-10s %-8s %-5s %8s %6s %6s %8s %6s %s%n", "WORKER", "NODE", "POOL", "CLASS",
        "CAPACITY", "BATCH", "STEPS", "WEIGHT", "ROLE", "UPDATE"));
    for (PlannedWorker w : plan) {
      String update = w.helper() ? "ascent for " + w.ascentFor() + (Boolean.TRUE.equals(w.perturbationBatchAuto()) ? " (b_p auto)" : "")
          : w.optimizerMethod().wireName() + (w.ascentHelper() == null ? "" : " with " + w.ascentHelper());
      s.append(String.format(Locale.ROOT, "  %-32s %-10s %-8s %-5s %8.3f %6d %6d %8.4f %6s %s%n", w.worker(), w.node(), w.pool(),
          w.deviceClass().name().toLowerCase(Locale.ROOT), w.capacity(), w.batchSize(), w.localSteps(), w.weight(),
          w.role() == null ? "" : w.role().wireName(), update));
    }
    if (progress != null) {
      s.append("Training:\n");
      s.append(String.format(Locale.ROOT, "  Round:        %d%n", progress.round()));
      s.append(String.format(Locale.ROOT, "  Epoch:        %.2f%n", progress.epoch()));
      s.append(String.format(Locale.ROOT, "  Samples:      %d%n", progress.samples()));
      s.append(String.format(Locale.ROOT, "  Loss:         %.4f%n", progress.loss()));
      s.append(String.format(Locale.ROOT, "  Accuracy:     %.2f %%%n", 100 * progress.accuracy()));
      s.append(String.format(Locale.ROOT, "  Samples/s:    %.0f%n", progress.samplesPerSecond()));
      s.append(String.format(Locale.ROOT, "  Wall time:    %s (training), virtual time %.1f s%n",
          ProgressPrinter.duration(wallSeconds), virtualSeconds));
      s.append("  Updated at:   ").append(progress.updatedAt()).append('\n');
    }
    if (output != null) {
      s.append("Output:     ").append(output).append('\n');
    }
    return s.toString();
  }
}
