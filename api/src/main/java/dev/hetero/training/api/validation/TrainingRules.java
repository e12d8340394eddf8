package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.AsyncSamSpec;
import dev.hetero.training.api.v1alpha1.BatchSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.LearningRateSpec;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import dev.hetero.training.api.v1alpha1.RebalanceSpec;
import dev.hetero.training.api.v1alpha1.SamplingSpec;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
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
      optimizerMethod(o, problems);
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

  /** rho, and asyncSAM's settings (only, and always, with method asyncSAM). */
  private static void optimizerMethod(OptimizerSpec o, List<String> problems) {
    if (o.rho() != null && !(o.rho() > 0 && o.rho() <= 10)) {
      problems.add("spec.training.optimizer.rho: must lie in (0, 10], got " + o.rho());
    }
    if ((o.asyncSAM() != null) != (o.method() == OptimizerMethod.ASYNC_SAM)) {
      problems.add("spec.training.optimizer.asyncSAM is required with method asyncSAM (it names the helperPool that computes"
          + " the ascent) and not allowed with any other method");
    }
    AsyncSamSpec a = o.asyncSAM();
    if (a == null) {
      return;
    }
    if (a.helperPool() == null || a.helperPool().isBlank()) {
      problems.add("spec.training.optimizer.asyncSAM.helperPool: required (the pool whose workers compute the ascent)");
    }
    Bounds.check(problems, "spec.training.optimizer.asyncSAM.staleness", a.staleness(), 0, 64);
    IntOrString b = a.perturbationBatch();
    boolean valid = b == null || (b.getIntVal() != null ? b.getIntVal() >= 1 && b.getIntVal() <= 65536 : "auto".equals(b.getStrVal()));
    if (!valid) {
      problems.add("spec.training.optimizer.asyncSAM.perturbationBatch must be auto or a number of samples from 1 to 65536, got "
          + (b.getIntVal() != null ? b.getIntVal() : "'" + b.getStrVal() + "'"));
    }
  }

  /** asyncSAM's helper pool is one of the job's pools, and not the only one. */
  static void helperPool(HeteroTrainingJobSpec spec, List<String> problems) {
    OptimizerSpec o = spec.training() == null ? null : spec.training().optimizer();
    if (o == null || o.asyncSAM() == null || o.asyncSAM().helperPool() == null || spec.pools() == null) {
      return;
    }
    String helpers = o.asyncSAM().helperPool();
    if (spec.pools().stream().noneMatch(p -> helpers.equals(p.name()))) {
      problems.add("spec.training.optimizer.asyncSAM.helperPool must name a pool of spec.pools (no pool " + helpers + ")");
    }
    if (spec.pools().stream().allMatch(p -> helpers.equals(p.name()))) {
      problems.add("spec.pools needs a pool besides spec.training.optimizer.asyncSAM.helperPool: its workers compute"
          + " perturbations for workers of the other pools, which train");
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
    RebalanceSpec r = a.rebalance();
    if (r != null) {
      Bounds.check(problems, "spec.allocation.rebalance.deadBand", r.deadBand(), 0, 1);
      if (r.damping() != null && !(r.damping() > 0 && r.damping() <= 1)) {
        problems.add("spec.allocation.rebalance.damping: must lie in (0, 1], got " + r.damping());
      }
      Bounds.check(problems, "spec.allocation.rebalance.stragglerFactor", r.stragglerFactor(), 1, 1000);
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
