package dev.hetero.training.trainer.config;

import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.Defaults;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code worker} command's configuration, read once from the environment at start-up (the
 * operator's contract in {@link WorkerEnv} plus the optional knobs of {@link TrainerEnv}). Every
 * problem is reported together, naming the variable; the rest of the trainer only sees these typed
 * values. A worker's work (rank, batch, local steps, weight, sampling) is not here: it is in the
 * plan file, found under {@link #workerName()}.
 *
 * @param checkpointDir null: no checkpoints
 * @param dataDir the data set's directory or the http download cache; null: spec.dataset.source's path
 * @param metricsPort port of /metrics; 0 any free port; null no metrics server
 * @param clock whether a simulated slowdown sleeps for real or is only charged to the virtual clock
 * @param communicationSeconds virtual seconds per model exchange; null: from the model size
 * @param roundEventsEvery at most one round event line per this interval
 * @param checkpointEveryRounds overrides spec.checkpoint.everyRounds when not null
 * @param planPollInterval at most one read of the plan file per this interval
 * @param statusReport null: no status report
 * @param terminationGrace the pod's grace period: how long the coordinator has after SIGTERM to end
 *     its round, checkpoint and stop the workers (HTJ_TERMINATION_GRACE_SECONDS, default 60 s)
 */
public record TrainerSettings(
    String jobName,
    String namespace,
    String workerName,
    InetSocketAddress coordinator,
    String token,
    Path planFile,
    Path checkpointDir,
    Path dataDir,
    Integer metricsPort,
    DjlSettings djl,
    ClockMode clock,
    Double communicationSeconds,
    int evaluationsPerEpoch,
    Timeouts timeouts,
    Duration roundEventsEvery,
    Integer checkpointEveryRounds,
    Duration planPollInterval,
    StatusReportSettings statusReport,
    Duration terminationGrace) {

  /** How a simulated slowdown shows. */
  public enum ClockMode {
    /** Slowed workers sleep (factor - 1) x each step's cost, so barrier waits are real. */
    WALL,
    /** Slowdowns are only charged to the virtual clock. */
    VIRTUAL
  }

  /**
   * @param roundDeadline a worker that took its command but has not answered by then is left out of the round
   * @param pickup a worker that has not picked up its command by then is left out
   * @param poll how long the coordinator parks a worker's poll before answering "wait"
   * @param connect how long rank 0 waits for everyone, and a worker retries an unreachable coordinator
   */
  public record Timeouts(Duration roundDeadline, Duration pickup, Duration poll, Duration connect) {
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(600), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(120));
  }

  /** Parses the environment; throws {@link InvalidSettingsException} naming every bad or missing variable. */
  public static TrainerSettings fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    Timeouts defaults = Timeouts.DEFAULTS;
    TrainerSettings settings = new TrainerSettings(
        env.required(WorkerEnv.JOB_NAME),
        env.required(WorkerEnv.JOB_NAMESPACE),
        env.required(WorkerEnv.WORKER_NAME),
        env.hostPort(WorkerEnv.COORDINATOR_ADDR),
        env.secret(WorkerEnv.TOKEN),
        env.requiredPath(WorkerEnv.PLAN_FILE),
        env.path(WorkerEnv.CHECKPOINT_DIR),
        env.path(WorkerEnv.DATA_DIR),
        metricsPort(env),
        DjlSettings.read(env),
        env.oneOf(TrainerEnv.CLOCK, ClockMode.WALL, Map.of("wall", ClockMode.WALL, "virtual", ClockMode.VIRTUAL)),
        env.number(TrainerEnv.COMM_SECONDS, true),
        env.positiveInt(TrainerEnv.EVALS_PER_EPOCH, 1),
        new Timeouts(env.seconds(TrainerEnv.ROUND_DEADLINE_SECONDS, defaults.roundDeadline()),
            env.seconds(TrainerEnv.PICKUP_SECONDS, defaults.pickup()),
            env.seconds(TrainerEnv.POLL_SECONDS, defaults.poll()),
            env.seconds(TrainerEnv.CONNECT_SECONDS, defaults.connect())),
        env.millis(TrainerEnv.ROUND_EVENTS_EVERY_MS, Duration.ofMillis(250)),
        env.optionalPositiveInt(TrainerEnv.CHECKPOINT_EVERY_ROUNDS),
        env.millis(TrainerEnv.PLAN_POLL_MS, Duration.ofSeconds(1)),
        statusReport(env),
        env.seconds(WorkerEnv.TERMINATION_GRACE_SECONDS,
            Duration.ofSeconds(Integer.parseInt(Defaults.TERMINATION_GRACE_SECONDS))));
    env.failIfProblems("the worker's environment");
    return settings;
  }

  private static Integer metricsPort(EnvReader env) {
    String v = env.optional(WorkerEnv.METRICS_PORT);
    if (v == null) {
      return WorkerEnv.METRICS_DEFAULT_PORT;
    }
    if (v.equalsIgnoreCase("off")) {
      return null;
    }
    try {
      int port = Integer.parseInt(v);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    env.problem(WorkerEnv.METRICS_PORT, "must be a port, 0 (any free port) or off, got '" + v + "'");
    return null;
  }

  private enum ReportMode { AUTO, ON, OFF }

  /** On in a pod (KUBERNETES_SERVICE_HOST) or with an explicit API URL, unless turned off. */
  private static StatusReportSettings statusReport(EnvReader env) {
    ReportMode mode = env.oneOf(TrainerEnv.STATUS_REPORT, ReportMode.AUTO, Map.of("auto", ReportMode.AUTO, "on", ReportMode.ON,
        "true", ReportMode.ON, "off", ReportMode.OFF, "false", ReportMode.OFF));
    Duration interval = env.fractionalSeconds(TrainerEnv.STATUS_INTERVAL_SECONDS, Duration.ofSeconds(5));
    if (mode == ReportMode.OFF) {
      return null;
    }
    String url = env.optional(TrainerEnv.KUBE_API_URL);
    String host = env.optional(TrainerEnv.KUBERNETES_SERVICE_HOST);
    if (url == null && host == null) {
      if (mode == ReportMode.ON) {
        env.problem(TrainerEnv.STATUS_REPORT, "on needs " + TrainerEnv.KUBE_API_URL + " or " + TrainerEnv.KUBERNETES_SERVICE_HOST);
      }
      return null;
    }
    String name = url != null ? TrainerEnv.KUBE_API_URL : TrainerEnv.KUBERNETES_SERVICE_HOST;
    String base = url != null ? url
        : "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + env.text(TrainerEnv.KUBERNETES_SERVICE_PORT, "443");
    URI api = env.uri(name, base);
    Path sa = Path.of(TrainerEnv.SERVICE_ACCOUNT_DIR);
    Path token = env.path(TrainerEnv.KUBE_TOKEN_FILE);
    Path ca = env.path(TrainerEnv.KUBE_CA_FILE);
    return api == null ? null : new StatusReportSettings(api, token != null ? token : sa.resolve("token"),
        ca != null ? ca : sa.resolve("ca.crt"), interval);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "TrainerSettings[job " + namespace + "/" + jobName + ", worker " + workerName + ", coordinator " + coordinator
        + ", plan " + planFile + ", token (" + (token == null ? "unset" : "set") + ")]";
  }
}
