package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.runner.AtomicFiles;
import dev.hetero.training.trainer.runner.CurveCsv;
import dev.hetero.training.trainer.runner.LocalRunner;
import dev.hetero.training.trainer.runner.RunOptions;
import dev.hetero.training.trainer.runner.RunSummary;
import dev.hetero.training.trainer.runner.RunnerEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SGD, SAM and asyncSAM on LeNet and Fashion-MNIST at the same budget, for several seeds, on the
 * virtual clock: one training worker, and for asyncSAM a helper {@code helperSlowdown} times
 * slower (the simulated fast/slow pair), every step and ascent charged its cost calibrated at the
 * start ({@link SamCosts}). With {@code live}, each method once more with real processes and
 * real sleeps (the one-machine runner, seed 1): wall time instead of virtual time.
 */
public final class SamBench {
  private final PrintStream out;
  private final RunnerEnvironment machine;

  /** @param machine how to start worker processes (only for live runs) */
  public SamBench(PrintStream out, RunnerEnvironment machine) {
    this.out = out;
    this.machine = machine;
  }

  /** One simulated run. */
  record Run(String method, long seed, PlanDocument plan, RunOutcome outcome, double wallSeconds) {
  }

  /** One run with real processes. */
  record Live(String method, RunSummary summary) {
  }

  public String run(SamBenchOptions o) throws IOException {
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, o.dataDir());
    SamCosts costs = SamCosts.measure(ModelName.LENET, DatasetName.FASHION_MNIST, o.batch(), o.rho(), 1);
    out.printf(Locale.ROOT, "calibrated (median, 1 thread, batch %d): sgd %.2f ms, sam %.2f ms, asyncSAM %.2f ms per step; "
        + "ascent %s; helper x%.0f: b_p auto aims at %d%n", o.batch(), 1000 * costs.sgd(), 1000 * costs.sam(),
        1000 * costs.async(), SamBenchReport.ascentCosts(costs), o.helperSlowdown(), costs.autoBatch(o.helperSlowdown()));
    List<Run> runs = new ArrayList<>();
    for (long seed = 1; seed <= o.seeds(); seed++) {
      for (String method : o.methods()) {
        SamBenchJob job = new SamBenchJob(method, seed, o);
        long t0 = System.nanoTime();
        RunOutcome outcome = SimulatedRun.run(job.plan(), data, costs.steps(), costs.ascents(), o.evaluationsPerEpoch(),
            new TrainingListener() {
              @Override
              public void onEvaluation(EvaluationReport r) {
                out.printf(Locale.ROOT, "  %-8s seed %d  epoch %5.2f  accuracy %.2f %%  virtual %7.1f s%n", method, job.seed(),
                    r.epoch(), 100 * r.accuracy(), r.virtualSeconds());
              }
            });
        Run run = new Run(method, seed, job.plan(), outcome, (System.nanoTime() - t0) / 1e9);
        runs.add(run);
        out.println(SamBenchReport.runLine(run, o));
        AtomicFiles.write(o.outputDir().resolve("curve-" + job.name() + ".csv"), CurveCsv.render(outcome.curve()));
      }
    }
    List<Live> live = o.live() ? live(o) : List.of();
    String summary = SamBenchReport.render(runs, live, o, costs);
    AtomicFiles.write(o.outputDir().resolve("summary.md"), summary);
    out.println();
    out.print(summary);
    return summary;
  }

  /** Each method once with real worker processes (seed 1): the fast worker, and for asyncSAM its sleeping helper. */
  private List<Live> live(SamBenchOptions o) throws IOException {
    List<Live> live = new ArrayList<>();
    for (String method : o.methods()) {
      SamBenchJob job = new SamBenchJob(method, 1, o);
      Path dir = o.outputDir().resolve("live").resolve(job.name());
      Files.createDirectories(dir);
      Path yaml = dir.resolve(job.name() + ".yaml");
      AtomicFiles.write(yaml, job.yaml());
      out.printf("%nlive (wall clock, real processes): %s%n", job.name());
      RunSummary summary = new LocalRunner(out, machine).run(new RunOptions(yaml, null, null, dir.resolve("run"), null, false,
          o.evaluationsPerEpoch(), true));
      live.add(new Live(method, summary));
      out.printf(Locale.ROOT, "  %s: %.2f %% after %.1f s of training%n", method, 100 * summary.finalAccuracy(), summary.wallSeconds());
    }
    return live;
  }
}
