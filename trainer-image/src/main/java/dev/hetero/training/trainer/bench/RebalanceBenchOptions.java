package dev.hetero.training.trainer.bench;

import java.nio.file.Path;

/**
 * Flags of the rebalance-bench command.
 *
 * @param changeRound the round after which the noisy worker turns {@code slowdown} times slower
 * @param slowdown the noisy worker's slowdown after the change, and the mislabelled workers' true slowdown
 */
public record RebalanceBenchOptions(int epochs, int changeRound, double slowdown, int base, int batch, double learningRate,
    long seed, int evaluationsPerEpoch, Path dataDir, Path outputDir) {

  public static RebalanceBenchOptions defaults() {
    return new RebalanceBenchOptions(1, 10, 4, 4, 64, 0.05, 42, 4, Path.of("/usr/share/datasets/fashion-mnist"),
        Path.of("runs", "rebalance-bench"));
  }
}
