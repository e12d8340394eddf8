package dev.hetero.training.study;

/**
 * The methods compared. Local-SGD variants use capacity-proportional local steps (equalTime);
 * the two biases are loss-based top-k sampling for the slow workers and uniform (not
 * work-proportional) model averaging, as in the reference code.
 */
public enum Method {
  /** Synchronous SGD on every worker: each step waits for a slow one. */
  SYNC_ALL("sync-all", "syncSGD", true, false, "workProportional"),
  /** Synchronous SGD on the fast workers only: what practitioners do today. */
  SYNC_FAST("sync-fast", "syncSGD", false, false, "workProportional"),
  /** Local SGD with work-proportional steps, no bias: uniform sampling, work-proportional weights. */
  LOCAL_SGD("local-sgd", "biasedLocalSGD", true, false, "workProportional"),
  /** The sampling bias alone: slow workers train on the highest-loss samples. */
  SAMPLING("+sampling", "biasedLocalSGD", true, true, "workProportional"),
  /** The aggregation bias alone: every model weighs 1/m. */
  AGGREGATION("+aggregation", "biasedLocalSGD", true, false, "uniform"),
  /** Both biases: biased local SGD as in the paper's reference code. */
  BIASED("biased", "biasedLocalSGD", true, true, "uniform");

  private final String label;
  private final String algorithm;
  private final boolean slowWorkers;
  private final boolean biasedSampling;
  private final String aggregation;

  Method(String label, String algorithm, boolean slowWorkers, boolean biasedSampling, String aggregation) {
    this.label = label;
    this.algorithm = algorithm;
    this.slowWorkers = slowWorkers;
    this.biasedSampling = biasedSampling;
    this.aggregation = aggregation;
  }

  public String label() {
    return label;
  }

  public String algorithm() {
    return algorithm;
  }

  public boolean usesSlowWorkers() {
    return slowWorkers;
  }

  public boolean biasedSampling() {
    return biasedSampling;
  }

  public String aggregation() {
    return aggregation;
  }

  public static Method byLabel(String label) {
    for (Method m : values()) {
      if (m.label.equals(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method " + label);
  }
}
