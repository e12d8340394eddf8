package dev.hetero.training.api.v1alpha1;

/**
 * Schema defaults, in one place. The CRD carries them (the API server fills them in); the
 * one-machine runner, which has no API server, applies the same values through
 * {@link dev.hetero.training.api.validation.SpecDefaults}.
 */
public final class Defaults {
  public static final String ALGORITHM = "biasedLocalSGD";
  public static final String EPOCHS = "10";
  public static final String SEED = "42";
  public static final String MOMENTUM = "0.9";
  public static final String WEIGHT_DECAY = "0.0001";
  public static final String OPTIMIZER_METHOD = "sgd";
  public static final String SAM_RHO = "0.05";
  public static final String ASYNC_SAM_STALENESS = "1";
  public static final String ASYNC_SAM_PERTURBATION_BATCH = "auto";
  public static final String LEARNING_RATE = "0.1";
  public static final String DECAY_FACTOR = "0.1";
  public static final String CAPACITY_SOURCE = "nodeLabels";
  public static final String MIN_BATCH = "8";
  public static final String MAX_BATCH = "1024";
  public static final String LOCAL_STEPS_POLICY = "equalTime";
  public static final String LOCAL_STEPS_BASE = "1";
  public static final String LOCAL_STEPS_MAX = "1024";
  public static final String REBALANCE_ENABLED = "false";
  public static final String REBALANCE_DEAD_BAND = "0.1";
  public static final String REBALANCE_DAMPING = "0.7";
  public static final String STRAGGLER_FACTOR = "4";
  public static final String LEAVE_OUT_STRAGGLERS = "false";
  public static final String BIASED_ROLE = "slow";
  public static final String CANDIDATE_RATIO = "4";
  public static final String SCORE_MERGE = "min";
  public static final String SLOW_CAPACITY_RATIO = "0.5";
  public static final String AGGREGATION_POLICY = "uniform";
  public static final String MIN_REPLICAS = "1";
  public static final String MAX_REPLICAS = "64";
  public static final String CPUS_PER_WORKER = "1";
  public static final String SIMULATED_SLOWDOWN = "1";
  public static final String DEVICE_FALLBACK = "none";
  public static final String DEVICE_CLASS_NAME = "gpu.nvidia.com";
  public static final String BACKOFF_LIMIT = "3";
  public static final String CLEAN_POD_POLICY = "Running";
  public static final String CHECKPOINT_EVERY_ROUNDS = "50";
  /** The coordinator pod's grace period: time to end a round, checkpoint and stop the workers after SIGTERM. */
  public static final String TERMINATION_GRACE_SECONDS = "60";
  public static final String CHECKPOINT_CLAIM_SIZE = "1Gi";
  public static final String CLAIM_WHEN_DELETED = "Delete";
  public static final String POD_FAILURE_BACKOFF_SECONDS = "10";
  public static final String POD_FAILURE_MAX_BACKOFF_SECONDS = "300";
  public static final String DISRUPTION_LIMIT = "20";
  public static final String DISRUPTION_BACKOFF_SECONDS = "5";
  public static final String DISRUPTION_MAX_BACKOFF_SECONDS = "60";
  /** A Kubernetes resource quantity (the API server's own pattern). */
  public static final String QUANTITY_PATTERN =
      "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  /** Reference recipe: decay x0.1 at 60 % and 80 % of the budget (no schema default for lists). */
  public static final java.util.List<Double> MILESTONES = java.util.List.of(0.6, 0.8);
  /** An operator-created checkpoint claim is mounted by the coordinator alone (no schema default for lists). */
  public static final java.util.List<VolumeAccessMode> CLAIM_ACCESS_MODES = java.util.List.of(VolumeAccessMode.READ_WRITE_ONCE);
  public static final int GPUS_PER_WORKER = 1;

  private Defaults() {
  }
}
