package dev.hetero.training.study;

/** A heterogeneity level: how many fast and slow workers, and how much slower the slow ones are. */
public record Level(String name, int fast, int slow, double slowdown) {
  /** The protocol's two levels (biased-local-sgd.md): 2 fast + 2 slow at 8x, 4 fast + 2 slow at 32x. */
  public static final Level X8 = new Level("8x", 2, 2, 8);
  public static final Level X32 = new Level("32x", 4, 2, 32);

  /** The compute-only speedup the paper quotes: sum of local steps over the worker count, sum H_i / m. */
  public double computeOnlySpeedup() {
    return (fast * slowdown + slow) / (double) (fast + slow);
  }
}
