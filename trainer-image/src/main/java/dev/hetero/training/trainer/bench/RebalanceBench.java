package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.Defaults;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.bench.RebalanceJobs.Pool;
import dev.hetero.training.trainer.coordinator.AppliedRound;
import dev.hetero.training.trainer.coordinator.CommunicationCost;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.PlanSource;
import dev.hetero.training.trainer.coordinator.RoundReport;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.runner.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The live-rebalancing benchmark on the virtual clock (issue 14), LeNet on Fashion-MNIST, 4
 * workers trained in this process ({@link SimulatedRun}, the real round loop and rebalancer):
 * <ol>
 *   <li>slowdown: one worker of four turns {@code slowdown} times slower after {@code changeRound}
 *       rounds (an operator re-plan carrying the new simulated slowdown, labels unchanged); a static
 *       plan against live rebalancing at the default damping and at damping 1;</li>
 *   <li>wrong labels: two workers labelled as fast as the others but {@code slowdown} times slower;
 *       static, rebalanced, and the same job with correct labels.</li>
 * </ol>
 * A round's time is read as virtual seconds per sample: the planner's equal-time steps anchor the
 * slowest worker at the base steps, so a better plan shows as more samples in a round of about
 * the same length, not as a shorter round.
 */
public final class RebalanceBench {
  private final PrintStream out;

  public RebalanceBench(PrintStream out) {
    this.out = out;
  }

  /** One run: its outcome, each round's virtual seconds per sample, and the rounds whose work differed from the round before. */
  record Run(String name, RunOutcome outcome, List<Double> secondsPerSample, List<Long> workChanges) {
    /** First round (from 1) after {@code after} whose seconds per sample are within 10 % of {@code optimum}, or -1. */
    long firstWithin(double optimum, long after) {
      for (int r = (int) after; r < secondsPerSample.size(); r++) {
        if (secondsPerSample.get(r) <= 1.1 * optimum) {
          return r + 1;
        }
      }
      return -1;
    }

    double timeTo(double target) {
      return outcome.curve().stream().filter(e -> e.accuracy() >= target).mapToDouble(EvaluationReport::virtualSeconds)
          .findFirst().orElse(Double.NaN);
    }

    double finalAccuracy() {
      return outcome.last().accuracy();
    }
  }

  public String run(RebalanceBenchOptions o) throws IOException {
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, o.dataDir());
    StepCostModel cost = new StepCostModel(Map.of(o.batch(), Bench.lenetStepSeconds(data, o.batch(), o.seed())));
    double comm;
    try (LocalTrainer t = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, new OptimizerSettings(0.9, 1e-4, false),
        o.seed())) {
      comm = CommunicationCost.perRound(t.layout().totalSize(), 4);
    }
    out.printf(Locale.ROOT, "calibrated step cost: %.2f ms per step of batch %d; slowdown x%s after round %d; base %d%n",
        1000 * cost.stepSeconds(o.batch()), o.batch(), o.slowdown(), o.changeRound(), o.base());
    RebalanceJobs jobs = new RebalanceJobs(o);
    double s = o.slowdown();
    Pool steady = new Pool("steady", 3, 1, 1);
    Pool noisyBefore = new Pool("noisy", 1, 1, 1);
    Pool noisyAfter = new Pool("noisy", 1, 1, s);
    List<Run> slowdown = new ArrayList<>();
    double defaultDamping = Double.parseDouble(Defaults.REBALANCE_DAMPING);
    for (Double damping : Arrays.asList(null, defaultDamping, 1.0)) {
      String name = "slowdown-" + (damping == null ? "static" : "rebalanced-damping-" + damping);
      PlanDocument after = jobs.plan(name, 2, damping, steady, noisyAfter);
      slowdown.add(simulate(name, jobs.plan(name, 1, damping, steady, noisyBefore), changeAt(o.changeRound(), after), data,
          cost, o));
    }
    double slowOptimum = RebalanceJobs.secondsPerSample(jobs.plan("opt", 1, null, steady, new Pool("noisy", 1, 1 / s, s))
        .workers(), cost, comm);

    Pool right = new Pool("right", 2, 1, 1);
    List<Run> labels = new ArrayList<>();
    labels.add(simulate("labels-wrong-static", jobs.plan("labels-wrong-static", 1, null, right, new Pool("wrong", 2, 1, s)),
        PlanSource.NONE, data, cost, o));
    labels.add(simulate("labels-wrong-rebalanced", jobs.plan("labels-wrong-rebalanced", 1, defaultDamping, right,
        new Pool("wrong", 2, 1, s)), PlanSource.NONE, data, cost, o));
    PlanDocument correct = jobs.plan("labels-correct", 1, null, right, new Pool("wrong", 2, 1 / s, s));
    labels.add(simulate("labels-correct", correct, PlanSource.NONE, data, cost, o));
    double labelOptimum = RebalanceJobs.secondsPerSample(correct.workers(), cost, comm);

    String summary = RebalanceBenchReport.render(o, cost, slowdown, slowOptimum, labels, labelOptimum);
    out.println();
    out.print(summary);
    AtomicFiles.write(jobs.out().resolve("summary.md"), summary);
    return summary;
  }

  /** The operator's re-plan {@code after}, seen at the start of round {@code round + 1}. */
  static PlanSource changeAt(int round, PlanDocument after) {
    int[] polls = {0};
    return () -> ++polls[0] == round + 1 ? Optional.of(after) : Optional.empty();
  }

  private Run simulate(String name, PlanDocument plan, PlanSource replans, TrainTestData data, StepCostModel cost,
      RebalanceBenchOptions o) throws IOException {
    List<Double> perSample = new ArrayList<>();
    List<Long> changes = new ArrayList<>();
    long t0 = System.nanoTime();
    out.printf("%n== %s%n", name);
    RunOutcome outcome = SimulatedRun.run(plan, data, cost, null, o.evaluationsPerEpoch(), new TrainingListener() {
      private double virtual;
      private long samples;
      private int[] steps;

      @Override
      public void onApplied(AppliedRound a) {
        if (steps != null && !Arrays.equals(steps, a.steps())) {
          changes.add(a.round());
          out.printf(Locale.ROOT, "  round %d: local steps %s%n", a.round(), Arrays.toString(a.steps()));
        }
        steps = a.steps().clone();
      }

      @Override
      public void onRound(RoundReport r) {
        perSample.add((r.virtualSeconds() - virtual) / Math.max(1, r.samples() - samples));
        virtual = r.virtualSeconds();
        samples = r.samples();
      }

      @Override
      public void onEvaluation(EvaluationReport r) {
        out.printf(Locale.ROOT, "  epoch %5.2f  round %5d  accuracy %.2f %%  virtual %7.2f s%n", r.epoch(), r.round(),
            100 * r.accuracy(), r.virtualSeconds());
      }
    }, replans);
    out.printf(Locale.ROOT, "  (%.0f s of wall time)%n", (System.nanoTime() - t0) / 1e9);
    return new Run(name, outcome, perSample, changes);
  }
}
