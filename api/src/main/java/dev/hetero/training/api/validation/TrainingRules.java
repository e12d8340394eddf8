package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.BatchSpec;
import dev.hetero.training.api.v1alpha1.LearningRateSpec;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import dev.hetero.training.api.v1alpha1.SamplingSpec;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import java.util.List;

/** Rules for spec.training, spec.allocation and spec.sampling: budgets, batch, optimizer, schedule, bounds. */
final class TrainingRules {

  private TrainingRules() {
  }

  static void training(TrainingSpec t, List<String> problems) {
    if (t == null) {
      problems.add("spec.training: required");
      return;
    }
    Bounds.check(problems, "spec.training.epochs", t.epochs(), 1, 10000);
    Bounds.check(problems, "spec.training.seed", t.seed(), 0, Long.MAX_VALUE);
    BatchSpec b = t.batch();
    if (b == null) {
      problems.add("spec.training.batch: required (set global or perWorker)");
    } else {
      if ((b.global() != null) == (b.perWorker() != null)) {
        problems.add("spec.training.batch: set exactly one of global or perWorker");
      }
      Bounds.check(problems, "spec.training.batch.global", b.global(), 1, 1048576);
      Bounds.check(problems, "spec.training.batch.perWorker", b.perWorker(), 1, 65536);
    }
    OptimizerSpec o = t.optimizer();
    if (o != null) {
      if (o.momentum() != null && !(o.momentum() >= 0 && o.momentum() < 1)) {
        problems.add("spec.training.optimizer.momentum: must lie in [0, 1), got " + o.momentum());
      }
      Bounds.check(problems, "spec.training.optimizer.weightDecay", o.weightDecay(), 0, 1);
    }
    LearningRateSpec lr = t.learningRate();
    if (lr != null) {
      if (lr.initial() != null && !(lr.initial() > 0 && lr.initial() <= 10)) {
        problems.add("spec.training.learningRate.initial: must lie in (0, 10], got " + lr.initial());
      }
      if (lr.decayFactor() != null && !(lr.decayFactor() > 0 && lr.decayFactor() <= 1)) {
        problems.add("spec.training.learningRate.decayFactor: must lie in (0, 1], got " + lr.decayFactor());
      }
      if (lr.milestones() != null) {
        if (lr.milestones().size() > 8) {
          problems.add("spec.training.learningRate.milestones: at most 8 milestones, got " + lr.milestones().size());
        }
        double previous = 0;
        for (Double m : lr.milestones()) {
          if (m == null || !(m > 0.0 && m < 1.0)) {
            problems.add("spec.training.learningRate.milestones: every milestone must lie strictly between 0 and 1");
            break;
          }
          if (m <= previous) {
            problems.add("spec.training.learningRate.milestones: must be increasing, got " + lr.milestones());
            break;
          }
          previous = m;
        }
      }
    }
  }

  static void allocation(AllocationSpec a, List<String> problems) {
    if (a == null) {
      return;
    }
    Bounds.check(problems, "spec.allocation.minBatchPerWorker", a.minBatchPerWorker(), 1, 65536);
    Bounds.check(problems, "spec.allocation.maxBatchPerWorker", a.maxBatchPerWorker(), 1, 65536);
    if (a.minBatchPerWorker() != null && a.maxBatchPerWorker() != null && a.minBatchPerWorker() > a.maxBatchPerWorker()) {
      problems.add("spec.allocation.minBatchPerWorker must not exceed spec.allocation.maxBatchPerWorker");
    }
    LocalStepsSpec s = a.localSteps();
    if (s != null) {
      Bounds.check(problems, "spec.allocation.localSteps.base", s.base(), 1, 10000);
      Bounds.check(problems, "spec.allocation.localSteps.max", s.max(), 1, 100000);
      if (s.base() != null && s.max() != null && s.base() > s.max()) {
        problems.add("spec.allocation.localSteps.base must not exceed spec.allocation.localSteps.max");
      }
    }
  }

  static void sampling(SamplingSpec s, List<String> problems) {
    if (s == null) {
      return;
    }
    Bounds.check(problems, "spec.sampling.candidateRatio", s.candidateRatio(), 1, 64);
    if (s.slowCapacityRatio() != null && !(s.slowCapacityRatio() > 0 && s.slowCapacityRatio() <= 1)) {
      problems.add("spec.sampling.slowCapacityRatio: must lie in (0, 1], got " + s.slowCapacityRatio());
    }
  }
}
