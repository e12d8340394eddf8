package dev.hetero.training.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.contract.WorkerEnv;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerSettingsTest {
  static Map<String, String> pod() {
    Map<String, String> env = new HashMap<>();
    env.put(WorkerEnv.JOB_NAME, "job");
    env.put(WorkerEnv.JOB_NAMESPACE, "team-a");
    env.put(WorkerEnv.WORKER_NAME, "job-cpu-1");
    env.put(WorkerEnv.COORDINATOR_ADDR, "job-cpu-0.job.team-a.svc:29500");
    env.put(WorkerEnv.TOKEN, "secret-token-value");
    env.put(WorkerEnv.PLAN_FILE, "/etc/hetero/plan/plan.json");
    return env;
  }

  @Test
  void aPodsEnvironmentWithDefaultsForEveryKnob() {
    TrainerSettings s = TrainerSettings.fromEnv(pod());
    assertThat(s.workerName()).isEqualTo("job-cpu-1");
    assertThat(s.coordinator().getHostString()).isEqualTo("job-cpu-0.job.team-a.svc");
    assertThat(s.coordinator().getPort()).isEqualTo(29500);
    assertThat(s.planFile()).isEqualTo(Path.of("/etc/hetero/plan/plan.json"));
    assertThat(s.checkpointDir()).isNull();
    assertThat(s.metricsPort()).isEqualTo(WorkerEnv.METRICS_DEFAULT_PORT);
    assertThat(s.djl()).isEqualTo(DjlSettings.DEFAULTS);
    assertThat(s.clock()).isEqualTo(TrainerSettings.ClockMode.WALL);
    assertThat(s.timeouts()).isEqualTo(TrainerSettings.Timeouts.DEFAULTS);
    assertThat(s.roundEventsEvery()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.planPollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.statusReport()).as("no API server outside a pod").isNull();
    assertThat(s.terminationGrace()).as("the schema's default grace period").isEqualTo(Duration.ofSeconds(60));
    assertThat(s.toString()).doesNotContain("secret-token-value");
  }

  @Test
  void inAPodTheStatusGoesToTheServiceAccountsApiServer() {
    Map<String, String> env = pod();
    env.put(TrainerEnv.KUBERNETES_SERVICE_HOST, "10.96.0.1");
    env.put(TrainerEnv.STATUS_INTERVAL_SECONDS, "0.5");
    StatusReportSettings status = TrainerSettings.fromEnv(env).statusReport();
    assertThat(status.apiUrl()).isEqualTo(URI.create("https://10.96.0.1:443"));
    assertThat(status.tokenFile()).isEqualTo(Path.of(TrainerEnv.SERVICE_ACCOUNT_DIR, "token"));
    assertThat(status.interval()).isEqualTo(Duration.ofMillis(500));
    env.put(TrainerEnv.STATUS_REPORT, "off");
    assertThat(TrainerSettings.fromEnv(env).statusReport()).isNull();
  }

  @Test
  void everyProblemIsReportedTogetherNamingTheVariableAndNeverTheToken() {
    Map<String, String> env = pod();
    env.remove(WorkerEnv.WORKER_NAME);
    env.put(WorkerEnv.COORDINATOR_ADDR, "no-port");
    env.put(WorkerEnv.METRICS_PORT, "99999");
    env.put(WorkerEnv.PYTORCH_NUM_THREADS, "0");
    env.put(TrainerEnv.CLOCK, "sundial");
    env.put(TrainerEnv.ROUND_DEADLINE_SECONDS, "soon");
    env.put(TrainerEnv.STATUS_REPORT, "on");
    env.put(WorkerEnv.TERMINATION_GRACE_SECONDS, "-5");
    assertThatThrownBy(() -> TrainerSettings.fromEnv(env))
        .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).hasSize(8))
        .hasMessageContaining("the worker's environment has 8 problems")
        .hasMessageContaining("HTJ_TERMINATION_GRACE_SECONDS: must be a positive integer, got '-5'")
        .hasMessageContaining("HTJ_WORKER_NAME: required, not set")
        .hasMessageContaining("COORDINATOR_ADDR: must be host:port, got 'no-port'")
        .hasMessageContaining("HTJ_METRICS_PORT: must be a port, 0 (any free port) or off, got '99999'")
        .hasMessageContaining("PYTORCH_NUM_THREADS: must be a positive integer, got '0'")
        .hasMessageContaining("HTJ_CLOCK: must be one of virtual, wall, got 'sundial'")
        .hasMessageContaining("HTJ_ROUND_DEADLINE_SECONDS: must be a positive integer, got 'soon'")
        .hasMessageContaining("HTJ_STATUS_REPORT: on needs HTJ_KUBE_API_URL or KUBERNETES_SERVICE_HOST")
        .message().doesNotContain("secret-token-value");
    Map<String, String> noToken = pod();
    noToken.put(WorkerEnv.TOKEN, "  ");
    assertThatThrownBy(() -> TrainerSettings.fromEnv(noToken)).hasMessageContaining("HTJ_TOKEN: required, not set");
    Map<String, String> graceful = pod();
    graceful.put(WorkerEnv.TERMINATION_GRACE_SECONDS, "300");
    assertThat(TrainerSettings.fromEnv(graceful).terminationGrace()).isEqualTo(Duration.ofSeconds(300));
  }
}
