package dev.hetero.training.trainer.bench;

import java.nio.file.Path;
import java.util.List;

/** Flags of the bench command. */
public record BenchOptions(int epochs, double slowdown, Path dataDir, Path outputDir, double learningRate, int batch, long seed,
    int evaluationsPerEpoch, List<String> scenarios) {
  public static final List<String> ALL_SCENARIOS = List.of("sync-all", "sync-fast", "fedavg", "sampling", "local", "biased");

  public static BenchOptions defaults() {
    return new BenchOptions(4, 8, Path.of("/usr/share/datasets/fashion-mnist"), Path.of("runs", "bench"), 0.05, 64, 42, 2,
        ALL_SCENARIOS);
  }

  public BenchOptions withEpochs(int v) {
    return new BenchOptions(v, slowdown, dataDir, outputDir, learningRate, batch, seed, evaluationsPerEpoch, scenarios);
  }

  public BenchOptions withSlowdown(double v) {
    return new BenchOptions(epochs, v, dataDir, outputDir, learningRate, batch, seed, evaluationsPerEpoch, scenarios);
  }

  public BenchOptions withDataDir(Path v) {
    return new BenchOptions(epochs, slowdown, v, outputDir, learningRate, batch, seed, evaluationsPerEpoch, scenarios);
  }

  public BenchOptions withOutputDir(Path v) {
    return new BenchOptions(epochs, slowdown, dataDir, v, learningRate, batch, seed, evaluationsPerEpoch, scenarios);
  }

  public BenchOptions withLearningRate(double v) {
    return new BenchOptions(epochs, slowdown, dataDir, outputDir, v, batch, seed, evaluationsPerEpoch, scenarios);
  }

  public BenchOptions withBatch(int v) {
    return new BenchOptions(epochs, slowdown, dataDir, outputDir, learningRate, v, seed, evaluationsPerEpoch, scenarios);
  }

  public BenchOptions withSeed(long v) {
    return new BenchOptions(epochs, slowdown, dataDir, outputDir, learningRate, batch, v, evaluationsPerEpoch, scenarios);
  }

  public BenchOptions withEvaluationsPerEpoch(int v) {
    return new BenchOptions(epochs, slowdown, dataDir, outputDir, learningRate, batch, seed, v, scenarios);
  }

  public BenchOptions withScenarios(List<String> v) {
    return new BenchOptions(epochs, slowdown, dataDir, outputDir, learningRate, batch, seed, evaluationsPerEpoch, List.copyOf(v));
  }
}
