package dev.hetero.training.study;

import java.util.List;

/** A heterogeneity level: how many fast and slow workers, and how much slower the slow ones are. */
public record Level(String name, int fast, int slow, double slowdown) {
  /** Mixed GPU generations: the six slow devices hold 6 / 14 = 43 % of the compute. */
  public static final Level X4_2F6S = new Level("4x-2f6s", 2, 6, 4);
  /** The protocol's first level (biased-local-sgd.md). */
  public static final Level X8_2F2S = new Level("8x-2f2s", 2, 2, 8);
  /** The protocol's second level. */
  public static final Level X32_4F2S = new Level("32x-4f2s", 4, 2, 32);
  /** The paper's topology: 8 GPUs and 2 CPUs at 32:1 (compute-only model 25.8x). */
  public static final Level X32_8F2S = new Level("32x-8f2s", 8, 2, 32);

  /** Every level, in the order the grid runs them: the two levels new in the second edition first. */
  public static final List<Level> ALL = List.of(X4_2F6S, X32_8F2S, X8_2F2S, X32_4F2S);

  public static Level byName(String name) {
    return ALL.stream().filter(l -> l.name.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
        "unknown level " + name + " (one of " + ALL.stream().map(Level::name).toList() + ")"));
  }

  /** The compute-only speedup over sync SGD on all workers the paper quotes: sum of local steps over the worker count, sum H_i / m. */
  public double computeOnlySpeedup() {
    return (fast * slowdown + slow) / (double) (fast + slow);
  }

  /** The compute-only speedup over sync SGD on the fast workers only: all the compute over the fast workers' compute. */
  public double computeOnlySpeedupVsFastOnly() {
    return (fast * slowdown + slow) / (fast * slowdown);
  }

  /** Share of a local-SGD round's samples the slow workers process (one step each against slowdown steps per fast worker). */
  public double slowShareOfSamples() {
    return slow / (fast * slowdown + slow);
  }
}
