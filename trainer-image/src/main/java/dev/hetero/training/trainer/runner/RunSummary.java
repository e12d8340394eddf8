package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.worker.EvaluationReport;
import java.nio.file.Path;
import java.util.List;

/** What a successful local run produced. */
public record RunSummary(String jobName, String algorithm, List<PlannedWorker> plan, List<EvaluationReport> curve, long rounds,
    long samples, double wallSeconds, double virtualSeconds, String modelDigest, List<String> workerDigests, Path outputDir,
    Path curveFile) {

  public double finalAccuracy() {
    return curve.get(curve.size() - 1).accuracy();
  }
}
