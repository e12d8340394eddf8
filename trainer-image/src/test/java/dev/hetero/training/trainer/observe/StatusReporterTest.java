package dev.hetero.training.trainer.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.trainer.config.TrainerEnv;
import dev.hetero.training.trainer.config.TrainerSettings;
import dev.hetero.training.trainer.process.WorkerProcess;
import dev.hetero.training.trainer.runner.RunnerAccess;
import dev.hetero.training.api.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status report against a fake API server that records what it receives. */
class StatusReporterTest {
  static final String SA_TOKEN = "sa-token-do-not-log";

  record Seen(String method, String path, String query, String contentType, String authorization, String body) {
  }

  @TempDir
  Path tmp;
  HttpServer api;
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  HttpServer fakeApi(int status) throws Exception {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getQuery(),
          exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Authorization"),
          new String(body, StandardCharsets.UTF_8)));
      byte[] answer = status == 200 ? "{}".getBytes(StandardCharsets.UTF_8)
          : "{\"kind\":\"Status\",\"message\":\"etcd is sad\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    api.start();
    return api;
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.stop(0);
    }
  }

  Path tokenFile() throws Exception {
    Path token = tmp.resolve("token");
    Files.writeString(token, SA_TOKEN + "\n");
    return token;
  }

  KubeApiTarget target() throws Exception {
    return new KubeApiTarget(URI.create("http://127.0.0.1:" + api.getAddress().getPort()), tokenFile(), tmp.resolve("no-ca.crt"));
  }

  static TrainingProgress progress(long round) {
    return TrainingProgress.of(round, 0.5, 6144L, 0.7, 0.81, 900.0, "2026-11-24T10:00:00Z", 0.9);
  }

  @Test
  void theRateLimitFollowsTheInjectedClock() {
    Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
    Duration interval = Duration.ofSeconds(5);
    assertThat(StatusReporter.due(t0, null, interval)).as("the first report").isTrue();
    assertThat(StatusReporter.due(t0.plusSeconds(4), t0, interval)).isFalse();
    assertThat(StatusReporter.due(t0.plusSeconds(5), t0, interval)).isTrue();
  }

  @Test
  void sendsAServerSideApplyOfOnlyTrainingAndWorkersToTheStatusSubresource() throws Exception {
    fakeApi(200);
    ManualClock clock = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (StatusReporter reporter = new StatusReporter(target(), "team-a", "job-1", Duration.ofSeconds(5), Duration.ofMillis(10),
        clock, new PrintStream(log, true, StandardCharsets.UTF_8))) {
      reporter.update(progress(12), List.of(new WorkerStatus("job-1-cpu-0", "Training", 450.0, 12L),
          new WorkerStatus("job-1-cpu-1", "Late", 440.0, 11L)));
      reporter.reportIfDue();
      assertThat(seen).as("the first report goes out at once").hasSize(1);
      clock.advance(Duration.ofSeconds(6));
      reporter.reportIfDue();
      assertThat(seen).as("unchanged status is not sent again").hasSize(1);
      reporter.update(progress(13), null);
      reporter.reportIfDue();
      assertThat(seen).as("a change after the interval is sent").hasSize(2);
      reporter.update(progress(14), null);
      clock.advance(Duration.ofSeconds(4));
      reporter.reportIfDue();
      assertThat(seen).as("a change within the interval waits").hasSize(2);
      clock.advance(Duration.ofSeconds(1));
      reporter.reportIfDue();
      assertThat(seen).hasSize(3);
      assertThat(new ObjectMapper().readTree(seen.get(2).body()).at("/status/training/round").asLong()).isEqualTo(14);
    }
    Seen s = seen.get(0);
    assertThat(s.method()).isEqualTo("PATCH");
    assertThat(s.path()).isEqualTo("/apis/training.hetero.dev/v1alpha1/namespaces/team-a/heterotrainingjobs/job-1/status");
    assertThat(s.query()).contains("fieldManager=" + WorkerEnv.TRAINER_FIELD_MANAGER).contains("force=true");
    assertThat(s.contentType()).isEqualTo("application/apply-patch+yaml");
    assertThat(s.authorization()).isEqualTo("Bearer " + SA_TOKEN);
    JsonNode body = new ObjectMapper().readTree(s.body());
    assertThat(body.get("apiVersion").asText()).isEqualTo("training.hetero.dev/v1alpha1");
    assertThat(body.get("kind").asText()).isEqualTo("HeteroTrainingJob");
    assertThat(iterable(body.fieldNames())).containsExactly("apiVersion", "kind", "metadata", "status");
    assertThat(iterable(body.get("metadata").fieldNames())).containsExactlyInAnyOrder("name", "namespace");
    assertThat(body.at("/metadata/name").asText()).isEqualTo("job-1");
    assertThat(body.at("/metadata/namespace").asText()).isEqualTo("team-a");
    assertThat(iterable(body.get("status").fieldNames())).containsExactlyInAnyOrder("training", "workers");
    assertThat(body.at("/status/training/round").asLong()).isEqualTo(12);
    assertThat(body.at("/status/training/accuracy").asDouble()).isEqualTo(0.81);
    assertThat(body.at("/status/workers/1/phase").asText()).isEqualTo("Late");
    assertThat(body.at("/status/workers/1/lastRound").asLong()).isEqualTo(11);
  }

  @Test
  void aFailingApiServerIsRetriedLoggedWithoutSecretsAndDoesNotStopTraining() throws Exception {
    fakeApi(500);
    Map<String, String> env = singleWorkerJob("status-fail", "team-b", 1, tmp);
    ByteArrayOutputStream events = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new WorkerProcess(TrainerSettings.fromEnv(env), new PrintStream(events, true, StandardCharsets.UTF_8),
        new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC()).run();
    String eventText = events.toString(StandardCharsets.UTF_8);
    String logText = log.toString(StandardCharsets.UTF_8);
    assertThat(eventText).as("training finished although every report failed").contains("@htj done");
    assertThat(seen).as("reports were attempted and retried").hasSizeGreaterThanOrEqualTo(2);
    assertThat(seen).allMatch(s -> s.path().endsWith("/namespaces/team-b/heterotrainingjobs/status-fail/status"));
    assertThat(logText).contains("status: report for team-b/status-fail failed (HTTP 500: etcd is sad); training goes on");
    assertThat(logText).doesNotContain(SA_TOKEN).doesNotContain("data-plane-token-xyz");
  }

  /**
   * A coordinator restarted on the checkpoint volume of a finished 1-epoch run, with the budget
   * raised to 2 epochs: its first report, sent before any round, says when it started and which
   * round it resumed from, and carries the earlier accuracy instead of none.
   */
  @Test
  void aResumedCoordinatorsFirstReportSaysSoAndCarriesTheAccuracyBeforeItsFirstRound() throws Exception {
    fakeApi(200);
    Path checkpoints = tmp.resolve("checkpoints");
    Map<String, String> first = singleWorkerJob("status-resume", "team-c", 1, tmp.resolve("first"));
    first.put(WorkerEnv.CHECKPOINT_DIR, checkpoints.toString());
    assertThat(new WorkerProcess(TrainerSettings.fromEnv(first), quiet(), quiet(), Clock.systemUTC()).run()).isZero();
    JsonNode lastOfFirst = new ObjectMapper().readTree(seen.get(seen.size() - 1).body()).at("/status/training");
    long finalRound = lastOfFirst.get("round").asLong();
    assertThat(lastOfFirst.has("resumedFromRound")).isFalse();
    assertThat(lastOfFirst.get("lastCheckpointRound").asLong()).as("the final checkpoint").isEqualTo(finalRound);

    int before = seen.size();
    Map<String, String> second = singleWorkerJob("status-resume", "team-c", 2, tmp.resolve("second"));
    second.put(WorkerEnv.CHECKPOINT_DIR, checkpoints.toString());
    assertThat(new WorkerProcess(TrainerSettings.fromEnv(second), quiet(), quiet(), Clock.systemUTC()).run()).isZero();
    JsonNode atStart = new ObjectMapper().readTree(seen.get(before).body()).at("/status/training");
    assertThat(atStart.get("round").asLong()).isEqualTo(finalRound);
    assertThat(atStart.get("resumedFromRound").asLong()).isEqualTo(finalRound);
    assertThat(atStart.get("accuracy").asDouble()).isEqualTo(lastOfFirst.get("accuracy").asDouble());
    assertThat(atStart.has("loss")).as("no round of this coordinator yet").isFalse();
    assertThat(atStart.get("coordinatorStartedAt").asText()).isNotEqualTo(lastOfFirst.get("coordinatorStartedAt").asText());
    JsonNode lastOfSecond = new ObjectMapper().readTree(seen.get(seen.size() - 1).body()).at("/status/training");
    assertThat(lastOfSecond.get("round").asLong()).isGreaterThan(finalRound);
    assertThat(lastOfSecond.get("resumedFromRound").asLong()).isEqualTo(finalRound);
    assertThat(lastOfSecond.get("epoch").asDouble()).isGreaterThanOrEqualTo(2.0);
  }

  /** One worker of a small MLP job, its environment as a pod's, reporting to the fake API server. */
  private Map<String, String> singleWorkerJob(String name, String namespace, int epochs, Path dir) throws Exception {
    JobYaml job = JobYaml.named(name).namespace(namespace).model("mlp").algorithm("localSGD").epochs(epochs).perWorkerBatch(500)
        .training("learningRate", "{initial: 0.05}").spec("allocation", "{localSteps: {policy: fixed, base: 8}}")
        .cpuPool("cpu", 1);
    PlanDocument plan = RunnerAccess.planDocument(job);
    Files.createDirectories(dir);
    Path planFile = dir.resolve("plan.json");
    Files.writeString(planFile, PlanCodec.toJson(new PlanDocument(name, namespace, 1, plan.spec(), plan.workers())));
    Map<String, String> env = new HashMap<>();
    env.put(TrainerEnv.KUBE_API_URL, "http://127.0.0.1:" + api.getAddress().getPort());
    env.put(TrainerEnv.KUBE_TOKEN_FILE, tokenFile().toString());
    env.put(TrainerEnv.KUBE_CA_FILE, tmp.resolve("no-ca.crt").toString());
    env.put(TrainerEnv.STATUS_INTERVAL_SECONDS, "0.2");
    env.put(WorkerEnv.WORKER_NAME, plan.workers().get(0).worker());
    env.put(WorkerEnv.TOKEN, "data-plane-token-xyz");
    env.put(WorkerEnv.COORDINATOR_ADDR, "127.0.0.1:0");
    env.put(WorkerEnv.PLAN_FILE, planFile.toString());
    env.put(WorkerEnv.JOB_NAME, name);
    env.put(WorkerEnv.JOB_NAMESPACE, namespace);
    env.put(WorkerEnv.METRICS_PORT, "off");
    env.put(TrainerEnv.ROUND_EVENTS_EVERY_MS, "0");
    return env;
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
