package dev.hetero.training.trainer.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Flags of the {@code sam-bench} command.
 *
 * @param perturbationBatch "auto" or a number of samples (asyncSAM's b_p)
 * @param helperSlowdown how many times slower the asyncSAM helper is than the worker it serves
 * @param localSteps steps per round of the one training worker (rounds only pace the evaluations)
 * @param live also run each method once with real processes and real sleeps (wall clock)
 */
public record SamBenchOptions(int epochs, int seeds, int batch, double learningRate, double rho, int staleness,
    String perturbationBatch, double helperSlowdown, int localSteps, List<String> methods, Path dataDir, Path outputDir,
    int evaluationsPerEpoch, boolean live) {
  public static final List<String> ALL_METHODS = List.of("sgd", "sam", "asyncSAM");

  public static SamBenchOptions defaults() {
    return new SamBenchOptions(4, 3, 64, 0.05, 0.05, 1, "auto", 4, 25, ALL_METHODS, Path.of("/usr/share/datasets/fashion-mnist"),
        Path.of("runs", "sam-bench"), 2, false);
  }
}
