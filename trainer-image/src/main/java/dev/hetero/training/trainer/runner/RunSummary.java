package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.coordinator.AppliedRound;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.round.AscentStats;
import java.nio.file.Path;
import java.util.List;

/**
 * What a successful local run produced.
 *
 * @param plan the plan as planned, which is what ran
 * @param applied the work the coordinator applied (weights, steps, batches), at every round where it changed
 * @param ascent what the asyncSAM workers saw of their helpers over the run (null without asyncSAM)
 */
public record RunSummary(String jobName, String algorithm, List<PlannedWorker> plan, List<AppliedRound> applied,
    List<EvaluationReport> curve, long rounds,
    long samples, double wallSeconds, double virtualSeconds, String modelDigest, List<String> workerDigests, Path outputDir,
    Path curveFile, AscentStats ascent) {

  public double finalAccuracy() {
    return curve.get(curve.size() - 1).accuracy();
  }
}
