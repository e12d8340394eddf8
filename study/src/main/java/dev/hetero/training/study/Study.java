package dev.hetero.training.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.runner.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reproduction study in one command: every method at every heterogeneity level and seed on
 * the virtual clock (each run its own JVM), then the trainer's step costs on this machine and
 * one run with real processes; then {@code results.json}, and from it the Markdown table, the
 * headline block of docs/benchmarks.md and the PNG plots. Options: {@link StudyOptions}.
 *
 * <pre>./mvnw -B -ntp -pl study -am -Pstudy verify            (writes docs/study/)</pre>
 */
public final class Study {
  private Study() {
  }

  public static void main(String[] args) throws Exception {
    StudyOptions o = StudyOptions.parse(args);
    long start = System.nanoTime();
    String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    String command = o.command(System.getenv("MAVEN_CMD_LINE_ARGS"));

    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
    TrainTestData dataset = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, o.data());
    double stepSeconds = dev.hetero.training.trainer.bench.Bench.lenetStepSeconds(dataset, o.batch(), 1);
    double evaluationSeconds = StepCosts.evaluationSeconds(dataset, 1);
    System.out.printf(Locale.ROOT, "step cost (LeNet, batch %d, 1 thread, median of 60): %.2f ms; one evaluation of 10,000 test images %.2f s%n",
        o.batch(), 1000 * stepSeconds, evaluationSeconds);

    StudyGrid.Outcome grid = StudyGrid.run(o, stepSeconds);
    String machine = o.machineChecks() ? machineChecks(o, dataset, grid.results())
        : "\nThe step costs, the share of a round outside compute and the run with real processes were not measured by this invocation "
            + "(--machine-checks false).\n";

    List<StudySummary.Row> rows = StudySummary.rows(grid.results(), o.levels(), o.marginPoints());
    StudyResults.Settings settings = new StudyResults.Settings(o.epochs(), o.batch(), o.learningRate(), o.marginPoints(),
        o.evaluationsPerEpoch(), (dataset.test().size() + StudyRun.CURVE_TEST_STRIDE - 1) / StudyRun.CURVE_TEST_STRIDE, grid.stepSeconds(), o.parallel(), grid.seconds(), grid.skipped());
    Path json = o.out().resolve("results.json");
    AtomicFiles.write(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(
        StudyResults.of(command, date, settings, rows, SamplingBias.effects(grid.results(), rows, o.levels()))));

    // everything below is rendered from the file, so that the tables and plots show exactly what results.json holds
    StudyResults results = new ObjectMapper().readValue(json.toFile(), StudyResults.class);
    for (String level : results.levels()) {
      StudyPlots.accuracyVsTime(results, level, o.out());
    }
    // speedup against sync-all keeps the file name the README links
    StudyPlots.speedups(results, "sync-all", StudyResults.Entry::speedupVsSyncAll, o.out().resolve("speedup-vs-heterogeneity.png"));
    StudyPlots.speedups(results, "the best baseline (the faster of sync-all and fast-only)", StudyResults.Entry::speedupVsBestBaseline,
        o.out().resolve("speedup-vs-best-baseline.png"));
    double totalSeconds = (System.nanoTime() - start) / 1e9;
    String report = StudyDocument.results(results, evaluationSeconds, totalSeconds, o.fromRuns()) + machine;
    AtomicFiles.write(o.out().resolve("results.md"), report);
    if (Files.exists(o.benchmarks())) {
      AtomicFiles.write(o.benchmarks(), StudyReport.spliceHeadline(Files.readString(o.benchmarks()), StudyReport.headline(results)));
    }
    System.out.println(report);
  }

  /** The trainer's step costs, the share of a round outside compute, and the 8x biased run with real processes. */
  private static String machineChecks(StudyOptions o, TrainTestData dataset, List<RunResult> grid) throws Exception {
    String wallCheck = WallClockCheck.run(new Scenario(Level.X8_2F2S, Method.BIASED, 1, o.epochs(), o.batch(), o.learningRate(), o.data()),
        grid, o.out());
    List<StepCosts.Measurement> costs = new ArrayList<>();
    for (ModelName model : ModelName.values()) {
      for (int b : new int[] {32, 128, 512}) {
        costs.add(StepCosts.measure(model, b, 2, model == ModelName.RESNET20 ? 3 : 7, 1));
      }
    }
    StringBuilder s = new StringBuilder("\n## Step cost of the trainer on this machine (1 thread, random inputs, median of timed steps)\n\n");
    s.append("| model | batch | median step | samples/s |\n|---|---:|---:|---:|\n");
    for (StepCosts.Measurement m : costs) {
      s.append(String.format(Locale.ROOT, "| %s | %d | %.1f ms | %.0f |%n", m.model(), m.batch(), 1000 * m.medianStepSeconds(),
          m.samplesPerSecond()));
    }
    s.append("\n## Share of a round outside compute\n\n").append(StepCosts.overheadTable(dataset, o.batch(), 1));
    s.append("\n## Is the virtual clock honest? One run with real processes\n\n").append(wallCheck);
    return s.toString();
  }
}
