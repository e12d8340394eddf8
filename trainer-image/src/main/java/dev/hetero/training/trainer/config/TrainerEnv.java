package dev.hetero.training.trainer.config;

/**
 * Names of the trainer-only environment variables: knobs of the one-machine runner, the tests and
 * the status report, all optional. The operator's contract (identity, endpoints, DJL runtime) is
 * {@link dev.hetero.training.api.contract.WorkerEnv}; both are read in one place,
 * {@link TrainerSettings#fromEnv}.
 */
public final class TrainerEnv {
  /** wall (default): a simulated slowdown sleeps for real; virtual: it is only charged to the virtual clock. */
  public static final String CLOCK = "HTJ_CLOCK";
  /** Virtual seconds charged per model exchange (default from model size, see CommunicationCost). */
  public static final String COMM_SECONDS = "HTJ_COMM_SECONDS";
  /** Evaluations of the averaged model per epoch (default 1). */
  public static final String EVALS_PER_EPOCH = "HTJ_EVALS_PER_EPOCH";
  /** Seconds a worker may take for one round before the coordinator gives up (default 600). */
  public static final String ROUND_DEADLINE_SECONDS = "HTJ_ROUND_DEADLINE_SECONDS";
  /** Seconds to wait for all workers to connect, and for a worker to keep retrying the coordinator (default 120). */
  public static final String CONNECT_SECONDS = "HTJ_CONNECT_SECONDS";
  /** At most one round event line per this many milliseconds (default 250; 0: every round). */
  public static final String ROUND_EVENTS_EVERY_MS = "HTJ_ROUND_EVENTS_EVERY_MS";
  /** Seconds a worker has to pick up its round command before it is left out of the round (default 10). */
  public static final String PICKUP_SECONDS = "HTJ_PICKUP_SECONDS";
  /** Seconds the coordinator parks a worker's poll before answering "wait" (default 10). */
  public static final String POLL_SECONDS = "HTJ_POLL_SECONDS";
  /** Checkpoint every this many rounds, overriding spec.checkpoint.everyRounds (tests, the benchmark). */
  public static final String CHECKPOINT_EVERY_ROUNDS = "HTJ_CHECKPOINT_EVERY_ROUNDS";
  /** Milliseconds between two reads of the plan file when looking for a re-plan (default 1000). */
  public static final String PLAN_POLL_MS = "HTJ_PLAN_POLL_MS";

  /** Status report: on, off, or auto (default: on when running in a cluster or HTJ_KUBE_API_URL is set). */
  public static final String STATUS_REPORT = "HTJ_STATUS_REPORT";
  /** Base URL of the API server (default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT). */
  public static final String KUBE_API_URL = "HTJ_KUBE_API_URL";
  /** Service-account token file, re-read on every report (projected tokens rotate). */
  public static final String KUBE_TOKEN_FILE = "HTJ_KUBE_TOKEN_FILE";
  /** The cluster CA; the only trusted CA when the file exists. */
  public static final String KUBE_CA_FILE = "HTJ_KUBE_CA_FILE";
  /** Minimum seconds between two status reports (default 5; fractions allowed). */
  public static final String STATUS_INTERVAL_SECONDS = "HTJ_STATUS_INTERVAL_SECONDS";

  /** Set by the kubelet in every pod: where the API server is. */
  public static final String KUBERNETES_SERVICE_HOST = "KUBERNETES_SERVICE_HOST";
  public static final String KUBERNETES_SERVICE_PORT = "KUBERNETES_SERVICE_PORT";

  /** Where the kubelet mounts the pod's service-account token and CA. */
  public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  private TrainerEnv() {
  }
}
