package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.runner.AtomicFiles;
import dev.hetero.training.trainer.runner.CurveCsv;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The heterogeneity benchmark on one machine: 2 fast + 2 slow workers (slowdown factor F),
 * LeNet on Fashion-MNIST, every scenario in the same process with the same calibrated step cost
 * and seed, time-to-accuracy read off the virtual clock.
 */
public final class Bench {
  private final PrintStream out;

  public Bench(PrintStream out) {
    this.out = out;
  }

  /** One scenario's result. */
  public record ScenarioResult(String name, String algorithm, List<PlannedWorker> plan, RunOutcome outcome) {
    double finalAccuracy() {
      return outcome.last().accuracy();
    }

    /** Virtual seconds at the first evaluation reaching the target, or NaN. */
    double timeTo(double target) {
      for (EvaluationReport r : outcome.curve()) {
        if (r.accuracy() >= target) {
          return r.virtualSeconds();
        }
      }
      return Double.NaN;
    }
  }

  public List<ScenarioResult> run(BenchOptions options) throws IOException {
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, options.dataDir());
    StepCostModel cost = calibrate(data, options);
    out.printf(Locale.ROOT, "calibrated step cost: %.2f ms per step of batch %d (1 thread); slow workers x%.0f%n",
        1000 * cost.stepSeconds(options.batch()), options.batch(), options.slowdown());
    List<ScenarioResult> results = new ArrayList<>();
    for (String scenario : options.scenarios()) {
      PlanDocument plan = plan(scenario, options);
      String algorithm = plan.spec().training().algorithm().wireName();
      out.printf("%n== %s (%s): %s%n", scenario, algorithm, describe(plan.workers()));
      long t0 = System.nanoTime();
      RunOutcome outcome = SimulatedRun.run(plan, data, cost, options.evaluationsPerEpoch(), new TrainingListener() {
        @Override
        public void onEvaluation(EvaluationReport r) {
          out.printf(Locale.ROOT, "  epoch %5.2f  round %6d  loss %.4f  accuracy %.2f %%  virtual %8.1f s%n", r.epoch(), r.round(),
              r.trainLoss(), 100 * r.accuracy(), r.virtualSeconds());
        }
      });
      out.printf(Locale.ROOT, "  (%.0f s of wall time)%n", (System.nanoTime() - t0) / 1e9);
      results.add(new ScenarioResult(scenario, algorithm, plan.workers(), outcome));
      AtomicFiles.write(options.outputDir().resolve("curve-" + scenario + ".csv"), CurveCsv.render(outcome.curve()));
    }
    String summary = BenchReport.render(results, options, cost);
    out.println();
    out.print(summary);
    AtomicFiles.write(options.outputDir().resolve("summary.md"), summary);
    return results;
  }

  private static String describe(List<PlannedWorker> workers) {
    StringBuilder s = new StringBuilder();
    for (PlannedWorker w : workers) {
      s.append(String.format(Locale.ROOT, "%s[b=%d,H=%d,w=%.3f,%s] ", w.pool(), w.batchSize(), w.localSteps(), w.weight(),
          w.role().name().toLowerCase(Locale.ROOT)));
    }
    return s.toString().trim();
  }

  /** The scenario's job, written as YAML and read with the CRD's rules like any user's job. */
  static PlanDocument plan(String scenario, BenchOptions o) {
    // sync-all / sync-fast: the baselines; fedavg: local SGD without either bias (uniform sampling,
    // work-proportional weights); sampling: top-k sampling alone; local: uniform weights alone (the
    // reference code's aggregation bias); biased: both biases (the reference configuration).
    String algorithm = switch (scenario) {
      case "sync-all", "sync-fast" -> "syncSGD";
      case "local" -> "localSGD";
      case "fedavg", "sampling", "biased" -> "biasedLocalSGD";
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    };
    boolean sampling = !scenario.equals("fedavg");
    String aggregation = scenario.equals("fedavg") || scenario.equals("sampling") ? "workProportional" : "uniform";
    int slow = scenario.equals("sync-fast") ? 0 : 2;
    return new HeterogeneousBenchJob("bench-" + scenario, "bench", algorithm, sampling, aggregation, 2, slow, o.slowdown(),
        o.epochs(), o.batch(), o.learningRate(), o.seed(), o.dataDir()).plan();
  }

  /** Median cost of a LeNet step at the bench's batch, after a warm-up. */
  static StepCostModel calibrate(TrainTestData data, BenchOptions o) {
    return new StepCostModel(Map.of(o.batch(), lenetStepSeconds(data, o.batch(), o.seed())));
  }

  /**
   * Median seconds of a LeNet training step of {@code batch} real samples on one thread
   * (batch assembly included; 20 warm-up steps, median of 60): the virtual clock's unit.
   */
  public static double lenetStepSeconds(TrainTestData data, int batch, long seed) {
    try (LocalTrainer t = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, new OptimizerSettings(0.9, 1e-4, false), seed)) {
      BatchAssembler assembler = new BatchAssembler(data.train(), Normalization.of(DatasetName.FASHION_MNIST), false);
      float[] x = new float[batch * t.sampleSize()];
      int[] y = new int[batch];
      SplittableRandom random = new SplittableRandom(seed);
      int[] indices = random.ints(batch * 80L, 0, data.train().size()).toArray();
      double[] times = new double[60];
      for (int s = 0; s < 80; s++) {
        long t0 = System.nanoTime();
        assembler.fill(indices, s * batch, batch, x, y, null);
        t.trainStep(x, y, batch, 0.01);
        if (s >= 20) {
          times[s - 20] = (System.nanoTime() - t0) / 1e9;
        }
      }
      Arrays.sort(times);
      return times[times.length / 2];
    }
  }
}
