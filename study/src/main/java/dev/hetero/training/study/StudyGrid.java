package dev.hetero.training.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.trainer.runner.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The grid of runs, each its own JVM ({@code parallel} at a time), or the saved runs of an earlier
 * grid. Scenarios go seed by seed, every level within a seed: if the time limit stops the grid
 * early, every level has its first seeds rather than some levels none.
 */
public final class StudyGrid {
  private StudyGrid() {
  }

  /** What the grid produced; {@code skipped} names the runs that did not run (time limit) or failed. */
  public record Outcome(List<RunResult> results, List<String> skipped, double seconds, double stepSeconds) {
  }

  /** The saved record of a grid, so that --from-runs can re-summarise it with its own timing and step cost. */
  public record Saved(double seconds, double stepSeconds, List<String> skipped) {
  }

  static List<Scenario> scenarios(StudyOptions o) {
    List<Scenario> scenarios = new ArrayList<>();
    for (long seed = 1; seed <= o.seeds(); seed++) {
      for (Level level : o.levels()) {
        for (Method method : Method.values()) {
          scenarios.add(new Scenario(level, method, seed, o.epochs(), o.batch(), o.learningRate(), o.data()));
        }
      }
    }
    return scenarios;
  }

  public static Outcome run(StudyOptions o, double stepSeconds) throws Exception {
    Path runs = o.out().resolve("runs");
    if (o.fromRuns()) {
      return fromRuns(o, runs);
    }
    Files.createDirectories(runs);
    Files.createDirectories(o.out().resolve("logs"));
    try (var old = Files.list(runs)) {
      for (Path p : old.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.delete(p); // a run the new grid skips must not be summarised from an older grid
      }
    }
    long start = System.nanoTime();
    long stopAt = Double.isInfinite(o.stopAfterMinutes()) ? Long.MAX_VALUE : start + (long) (o.stopAfterMinutes() * 60e9);
    List<String> skipped = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(o.parallel());
    List<Future<RunResult>> futures = new ArrayList<>();
    for (Scenario s : scenarios(o)) {
      futures.add(pool.submit(() -> {
        if (System.nanoTime() > stopAt) {
          skipped.add(s.id() + " (time limit)");
          return null;
        }
        try {
          return runChild(s, stepSeconds, o.evaluationsPerEpoch(), o.out());
        } catch (Exception e) {
          System.out.println("FAILED " + e.getMessage());
          skipped.add(s.id() + " (failed)");
          return null;
        }
      }));
    }
    List<RunResult> results = new ArrayList<>();
    for (Future<RunResult> f : futures) {
      RunResult r = f.get();
      if (r != null) {
        results.add(r);
        System.out.printf(Locale.ROOT, "%-9s %-13s seed %d: %.2f %% after %.1f virtual s (%.0f s wall, %d evaluations)%n", r.level(),
            r.method(), r.seed(), 100 * r.finalAccuracy(), r.virtualSeconds(), r.wallSeconds(), r.curve().size());
      }
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> skippedSorted = skipped.stream().sorted().toList();
    AtomicFiles.write(runs.resolve("grid.json"), new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(new Saved(seconds, stepSeconds, skippedSorted)));
    return new Outcome(results, skippedSorted, seconds, stepSeconds);
  }

  private static Outcome fromRuns(StudyOptions o, Path runs) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Saved saved = json.readValue(runs.resolve("grid.json").toFile(), Saved.class);
    List<RunResult> results = new ArrayList<>();
    for (Scenario s : scenarios(o)) {
      Path file = runs.resolve(s.id() + ".json");
      if (Files.exists(file)) {
        results.add(json.readValue(file.toFile(), RunResult.class));
      }
    }
    return new Outcome(results, saved.skipped(), saved.seconds(), saved.stepSeconds());
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
}
