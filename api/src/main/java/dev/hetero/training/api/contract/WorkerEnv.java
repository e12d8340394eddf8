package dev.hetero.training.api.contract;

/**
 * The worker contract: names of the environment variables every worker gets (built in one place,
 * {@link WorkerEnvironment}) and the trainer reads. The environment carries identity, endpoints
 * and runtime knobs only; a worker's work (rank, batch, local steps, weight, world size) lives in
 * the mounted plan, which a live re-plan updates without restarting the worker.
 */
public final class WorkerEnv {
  /** Name of the HeteroTrainingJob. */
  public static final String JOB_NAME = "HTJ_JOB_NAME";
  /** Namespace of the job (downward API). */
  public static final String JOB_NAMESPACE = "HTJ_NAMESPACE";
  /** This worker's name, also its pod name; the worker finds its work in the plan under this name. */
  public static final String WORKER_NAME = "HTJ_WORKER_NAME";
  /** host:port of the coordinator (headless Service DNS name in a cluster, loopback on one machine). */
  public static final String COORDINATOR_ADDR = "COORDINATOR_ADDR";
  /** Per-job data-plane token, from the job's Secret. Never logged. */
  public static final String TOKEN = "HTJ_TOKEN";
  /** Path of the mounted plan document (JSON); re-read at round boundaries for live re-plans. */
  public static final String PLAN_FILE = "HTJ_PLAN_FILE";
  /** Directory for checkpoints (the coordinator writes, everyone may read). */
  public static final String CHECKPOINT_DIR = "HTJ_CHECKPOINT_DIR";
  /** Directory holding the data set's files (or the download cache for http sources). */
  public static final String DATA_DIR = "HTJ_DATA_DIR";
  /**
   * The pod's terminationGracePeriodSeconds (spec.checkpoint.terminationGracePeriodSeconds): how long
   * the coordinator has after SIGTERM to end its round, checkpoint and stop the workers.
   */
  public static final String TERMINATION_GRACE_SECONDS = "HTJ_TERMINATION_GRACE_SECONDS";
  /** Port the worker's Prometheus metrics are served on. */
  public static final String METRICS_PORT = "HTJ_METRICS_PORT";

  /** DJL runtime settings derived by the operator from the pod's CPU limit. */
  public static final String DJL_OFFLINE = "DJL_OFFLINE";
  public static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";
  public static final String PYTORCH_NUM_THREADS = "PYTORCH_NUM_THREADS";
  public static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";
  public static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";
  /** JVM options, carrying the direct-memory cap. */
  public static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
  /** The JVM's and the shell's home: the read-only root filesystem leaves only the tmp volume writable. */
  public static final String HOME = "HOME";
  /**
   * GPU workers only: what the NVIDIA container runtime mounts into the container. compute (CUDA)
   * and utility (nvidia-smi, NVML) are all the trainer needs. NVIDIA_VISIBLE_DEVICES is not set:
   * the device plugin sets it for the GPUs it allocated.
   */
  public static final String NVIDIA_DRIVER_CAPABILITIES = "NVIDIA_DRIVER_CAPABILITIES";
  public static final String NVIDIA_DRIVER_CAPABILITIES_VALUE = "compute,utility";

  /** Where the operator mounts things inside a worker pod. */
  public static final String PLAN_MOUNT_DIR = "/etc/hetero/plan";
  public static final String PLAN_FILE_NAME = "plan.json";
  public static final String CACHE_MOUNT_DIR = "/var/cache/hetero";
  public static final String TMP_MOUNT_DIR = "/tmp";
  public static final String CHECKPOINT_MOUNT_DIR = "/var/lib/hetero/checkpoints";
  public static final String DATA_MOUNT_DIR = "/var/lib/hetero/data";
  public static final int COORDINATOR_PORT = 29500;
  public static final int METRICS_DEFAULT_PORT = 9400;

  /** Field manager under which the trainer writes status.training and status.workers. */
  public static final String TRAINER_FIELD_MANAGER = "hetero-trainer";

  private WorkerEnv() {
  }
}
