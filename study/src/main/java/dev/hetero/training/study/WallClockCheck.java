package dev.hetero.training.study;

import dev.hetero.training.trainer.runner.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The 8x biased configuration with real worker processes and real sleeps (the trainer's run
 * command, --clock wall): its wall time against the virtual time the grid charged for it. Four
 * processes share two cores here, so the wall time carries contention the virtual clock leaves out.
 */
final class WallClockCheck {
  private WallClockCheck() {
  }

  static String run(Scenario s, List<RunResult> grid, Path out) throws Exception {
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
    List<String> header = Arrays.asList(lines.get(0).split(","));
    String[] last = lines.get(lines.size() - 1).split(",");
    double elapsed = Double.parseDouble(last[header.indexOf("elapsed_seconds")]);
    double virtual = Double.parseDouble(last[header.indexOf("virtual_seconds")]);
    double accuracy = Double.parseDouble(last[header.indexOf("test_accuracy")]);
    RunResult same = grid.stream().filter(r -> r.level().equals(s.level().name()) && r.method().equals(s.method().label())
        && r.seed() == s.seed()).findFirst().orElse(null);
    return String.format(Locale.ROOT, """
        Configuration: %s, %s, seed %d, %d epochs; %d worker processes on loopback, the slow ones sleeping %.0fx their step.

        | measure | value |
        |---|---:|
        | wall time of the training (real processes, real sleeps) | %.1f s |
        | virtual time the same run charged itself (its own step costs) | %.1f s |
        | wall / virtual | %.2f |
        | virtual time of this configuration in the grid (the calibrated step cost) | %s |
        | final accuracy: live run / grid | %.2f %% / %s |
        | whole command, with JVM and engine start | %.0f s |
        """, s.level().name(), s.method().label(), s.seed(), s.epochs(), s.level().fast() + s.level().slow(), s.level().slowdown(), elapsed,
        virtual, elapsed / virtual, same == null ? "-" : String.format(Locale.ROOT, "%.1f s", same.virtualSeconds()), 100 * accuracy,
        same == null ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * same.finalAccuracy()), commandSeconds);
  }
}
