package dev.hetero.training.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.runner.AtomicFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The reproduction study in one command: every method at both heterogeneity levels and every
 * seed on the virtual clock (each run its own JVM, {@code --parallel} at a time), then the
 * trainer's step costs on this machine, the Markdown table and the PNG plots.
 *
 * <pre>./mvnw -B -ntp -pl study -am -Pstudy verify            (writes docs/study/)</pre>
 * Options (via -Dstudy.args="..."): --epochs N (2) --seeds N (3) --parallel N (2) --batch B (64) --lr X (0.05)
 * --evals-per-epoch N (2) --margin POINTS (1.0) --data DIR (/usr/share/datasets/fashion-mnist) --levels 8x,32x
 */
public final class Study {
  private Study() {
  }

  static Level level(String name) {
    return switch (name) {
      case "8x" -> Level.X8;
      case "32x" -> Level.X32;
      default -> throw new IllegalArgumentException("unknown level " + name + " (8x or 32x)");
    };
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    Path out = Path.of(o.getOrDefault("--out", "docs/study")).toAbsolutePath();
    Path data = Path.of(o.getOrDefault("--data", "/usr/share/datasets/fashion-mnist"));
    int epochs = Integer.parseInt(o.getOrDefault("--epochs", "2"));
    int seeds = Integer.parseInt(o.getOrDefault("--seeds", "3"));
    int parallel = Integer.parseInt(o.getOrDefault("--parallel", "2"));
    int batch = Integer.parseInt(o.getOrDefault("--batch", "64"));
    double lr = Double.parseDouble(o.getOrDefault("--lr", "0.05"));
    int evals = Integer.parseInt(o.getOrDefault("--evals-per-epoch", "2"));
    double margin = Double.parseDouble(o.getOrDefault("--margin", "1.0"));
    List<Level> levels = java.util.Arrays.stream(o.getOrDefault("--levels", "8x,32x").split(",")).map(Study::level).toList();
    Files.createDirectories(out.resolve("runs"));
    Files.createDirectories(out.resolve("logs"));
    long start = System.nanoTime();

    DjlRuntime.configure(System.getenv());
    TrainTestData dataset = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, data);
    double stepSeconds = dev.hetero.training.trainer.bench.Bench.lenetStepSeconds(dataset, batch, 1);
    System.out.printf(Locale.ROOT, "step cost (LeNet, batch %d, 1 thread, median of 60): %.2f ms%n", batch, 1000 * stepSeconds);

    // --from-runs true: summarise the run files of an earlier grid (docs/study/runs) instead of training again.
    boolean fromRuns = Boolean.parseBoolean(o.getOrDefault("--from-runs", "false"));
    List<Scenario> scenarios = new ArrayList<>();
    for (Level level : levels) {
      for (long seed = 1; seed <= seeds; seed++) {
        for (Method method : Method.values()) {
          scenarios.add(new Scenario(level, method, seed, epochs, batch, lr, data));
        }
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<RunResult>> futures = new ArrayList<>();
    for (Scenario s : scenarios) {
      futures.add(pool.submit(() -> fromRuns ? read(out.resolve("runs").resolve(s.id() + ".json")) : runChild(s, stepSeconds, evals, out)));
    }
    List<RunResult> results = new ArrayList<>();
    for (Future<RunResult> f : futures) {
      RunResult r = f.get();
      results.add(r);
      System.out.printf(Locale.ROOT, "%-4s %-13s seed %d: %.2f %% after %.1f virtual s (%.0f s wall)%n", r.level(), r.method(), r.seed(),
          100 * r.finalAccuracy(), r.virtualSeconds(), r.wallSeconds());
    }
    pool.shutdown();
    double gridSeconds = (System.nanoTime() - start) / 1e9;
    Path gridTiming = out.resolve("runs").resolve("grid-seconds.txt");
    if (fromRuns) {
      gridSeconds = Double.parseDouble(Files.readString(gridTiming).trim());
    } else {
      AtomicFiles.write(gridTiming, Double.toString(gridSeconds));
    }

    String wallCheck = wallClockCheck(new Scenario(Level.X8, Method.BIASED, 1, epochs, batch, lr, data), results, out);

    List<StepCosts.Measurement> costs = new ArrayList<>();
    for (ModelName model : ModelName.values()) {
      for (int b : new int[] {32, 128, 512}) {
        costs.add(StepCosts.measure(model, b, 2, model == ModelName.RESNET20 ? 3 : 7, 1));
      }
    }
    String overhead = StepCosts.overheadTable(dataset, batch, 1);
    List<StudySummary.Row> rows = StudySummary.rows(results, margin);
    for (Level level : levels) {
      StudyPlots.accuracyVsTime(level.name(), results, out);
    }
    StudyPlots.speedupVsHeterogeneity(rows, levels, out);
    double totalSeconds = (System.nanoTime() - start) / 1e9;
    String report = report(rows, costs, overhead, levels, epochs, seeds, batch, lr, margin, stepSeconds, parallel, gridSeconds, totalSeconds)
        + "\n## Is the virtual clock honest? One run with real processes\n\n" + wallCheck;
    AtomicFiles.write(out.resolve("results.md"), report);
    System.out.println(report);
  }

  /**
   * The same configuration with real worker processes and real sleeps (the trainer's run command,
   * --clock wall): its wall time against the virtual time the grid charged for it. Four processes
   * share two cores here, so the wall time carries contention the virtual clock leaves out.
   */
  private static String wallClockCheck(Scenario s, List<RunResult> grid, Path out) throws Exception {
    Path dir = out.resolve("wallclock");
    Files.createDirectories(dir);
    Path yaml = dir.resolve(s.id() + ".yaml");
    AtomicFiles.write(yaml, s.yaml());
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-XX:MaxDirectMemorySize=256m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        "dev.hetero.training.trainer.cli.TrainerMain", "run", yaml.toString(), "--clock", "wall", "--out", dir.resolve("run").toString(),
        "--quiet");
    long t0 = System.nanoTime();
    int exit = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start().waitFor();
    double commandSeconds = (System.nanoTime() - t0) / 1e9;
    Path curve = dir.resolve("run").resolve("curve.csv");
    if (exit != 0 || !Files.exists(curve)) {
      return "The wall-clock run failed (exit code " + exit + "); see wallclock/run.log.\n";
    }
    List<String> lines = Files.readAllLines(curve);
    String[] header = lines.get(0).split(",");
    String[] last = lines.get(lines.size() - 1).split(",");
    double elapsed = Double.parseDouble(last[java.util.Arrays.asList(header).indexOf("elapsed_seconds")]);
    double virtual = Double.parseDouble(last[java.util.Arrays.asList(header).indexOf("virtual_seconds")]);
    double accuracy = Double.parseDouble(last[java.util.Arrays.asList(header).indexOf("test_accuracy")]);
    RunResult same = grid.stream().filter(r -> r.level().equals(s.level().name()) && r.method().equals(s.method().label())
        && r.seed() == s.seed()).findFirst().orElse(null);
    return String.format(Locale.ROOT, """
        Configuration: %s, %s, seed %d, %d epochs; 4 worker processes on loopback, the slow ones sleeping %.0fx their step.

        | measure | value |
        |---|---:|
        | wall time of the training (real processes, real sleeps) | %.1f s |
        | virtual time the same run charged itself (its own step costs) | %.1f s |
        | wall / virtual | %.2f |
        | virtual time of this configuration in the grid (the calibrated step cost) | %s |
        | final accuracy: live run / grid | %.2f %% / %s |
        | whole command, with JVM and engine start | %.0f s |
        """, s.level().name(), s.method().label(), s.seed(), s.epochs(), s.level().slowdown(), elapsed, virtual, elapsed / virtual,
        same == null ? "-" : String.format(Locale.ROOT, "%.1f s", same.virtualSeconds()), 100 * accuracy,
        same == null ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * same.finalAccuracy()), commandSeconds);
  }

  private static RunResult read(Path json) throws java.io.IOException {
    return new ObjectMapper().readValue(json.toFile(), RunResult.class);
  }

  private static RunResult runChild(Scenario s, double stepSeconds, int evals, Path out) throws Exception {
    Path json = out.resolve("runs").resolve(s.id() + ".json");
    Files.deleteIfExists(json);
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), StudyRun.class.getName(),
        s.level().name(), s.method().label(), Long.toString(s.seed()), Integer.toString(s.epochs()), Integer.toString(s.batch()),
        Double.toString(s.learningRate()), s.dataDir().toString(), Double.toString(stepSeconds), Integer.toString(evals), json.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.resolve("logs").resolve(s.id() + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.put("OMP_NUM_THREADS", "1");
    env.put("OMP_WAIT_POLICY", "PASSIVE");
    env.put("DJL_OFFLINE", "true");
    int exit = builder.start().waitFor();
    if (exit != 0 || !Files.exists(json)) {
      throw new IllegalStateException("study run " + s.id() + " failed with exit code " + exit + "; see "
          + out.resolve("logs").resolve(s.id() + ".log"));
    }
    return new ObjectMapper().readValue(json.toFile(), RunResult.class);
  }

  private static String report(List<StudySummary.Row> rows, List<StepCosts.Measurement> costs, String overhead, List<Level> levels,
      int epochs, int seeds, int batch, double lr, double margin, double stepSeconds, int parallel, double gridSeconds, double totalSeconds) {
    StringBuilder s = new StringBuilder();
    s.append("# Time-to-accuracy study (generated)\n\n");
    s.append(String.format(Locale.ROOT, """
        Generated by `./mvnw -B -ntp -pl study -am -Pstudy verify` (%s). Fashion-MNIST (60k/10k), LeNet with BatchNorm,
        batch %d per worker, lr %s with x0.1 decay at 60 %% and 80 %% of a budget of %d epochs counted in global samples,
        momentum 0.9, weight decay 1e-4; %d seeds per cell; evaluation of the averaged model twice per epoch. Virtual clock:
        every step of every worker is charged %.2f ms (the LeNet step measured at the start of this run) times the worker's
        slowdown, a round costs its slowest worker plus the communication model. Target accuracy per level: sync-all's
        mean final accuracy minus %.1f point; time to target is the first evaluation at which the mean accuracy over seeds
        reaches it (the curves plotted below).
        Grid: %.0f s of wall time (%d runs, %d JVMs at a time); whole command %.0f s%s.

        """, java.time.LocalDate.now(), batch, lr, epochs, seeds, 1000 * stepSeconds, margin, gridSeconds,
        rows.stream().mapToInt(StudySummary.Row::seeds).sum(), parallel, totalSeconds,
        totalSeconds < gridSeconds ? " (this report re-summarised the grid's saved runs)" : ""));
    s.append(StudyReport.table(rows)).append('\n');
    s.append("Compute-only model (sum of local steps over workers, the paper's 25.8x for 8 GPUs + 2 CPUs at 32:1): ");
    for (Level l : levels) {
      s.append(String.format(Locale.ROOT, "%s -> %.1fx; ", l.name(), l.computeOnlySpeedup()));
    }
    s.append("\n\n![accuracy vs time, 8x](accuracy-vs-time-8x.png)\n![accuracy vs time, 32x](accuracy-vs-time-32x.png)\n");
    s.append("![speedup vs heterogeneity](speedup-vs-heterogeneity.png)\n\n");
    s.append("## Step cost of the trainer on this machine (1 thread, random inputs, median of timed steps)\n\n");
    s.append("| model | batch | median step | samples/s |\n|---|---:|---:|---:|\n");
    for (StepCosts.Measurement m : costs) {
      s.append(String.format(Locale.ROOT, "| %s | %d | %.1f ms | %.0f |%n", m.model(), m.batch(), 1000 * m.medianStepSeconds(),
          m.samplesPerSecond()));
    }
    s.append("\n## Share of a round outside compute\n\n").append(overhead);
    return s.toString();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    List<String> flat = new ArrayList<>();
    for (String a : args) {
      if (!a.isBlank()) {
        flat.addAll(List.of(a.trim().split("\\s+")));
      }
    }
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (!flat.get(i).startsWith("--")) {
        throw new IllegalArgumentException("expected an option, got " + flat.get(i));
      }
      o.put(flat.get(i), flat.get(i + 1));
    }
    return o;
  }

}
