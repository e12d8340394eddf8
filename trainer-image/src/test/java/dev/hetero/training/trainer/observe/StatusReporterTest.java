package dev.hetero.training.trainer.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.trainer.runner.RunnerAccess;
import dev.hetero.training.trainer.worker.WorkerProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  Map<String, String> apiEnv() throws Exception {
    Path token = tmp.resolve("token");
    Files.writeString(token, SA_TOKEN + "\n");
    Map<String, String> env = new HashMap<>();
    env.put(KubeApiTarget.API_URL, "http://127.0.0.1:" + api.getAddress().getPort());
    env.put(KubeApiTarget.TOKEN_FILE, token.toString());
    env.put(KubeApiTarget.CA_FILE, tmp.resolve("no-ca.crt").toString());
    return env;
  }

  @Test
  void sendsAServerSideApplyOfOnlyTrainingAndWorkersToTheStatusSubresource() throws Exception {
    fakeApi(200);
    KubeApiTarget target = KubeApiTarget.fromEnv(apiEnv());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (StatusReporter reporter = new StatusReporter(target, "team-a", "job-1", Duration.ofMillis(100), Duration.ofMillis(10),
        new PrintStream(log, true, StandardCharsets.UTF_8))) {
      reporter.update(new TrainingProgress(12L, 0.5, 6144L, 0.7, 0.81, 900.0, "2026-11-24T10:00:00Z"),
          List.of(new WorkerStatus("job-1-cpu-0", "Training", 450.0, 12L), new WorkerStatus("job-1-cpu-1", "Late", 440.0, 11L)));
      waitFor(() -> !seen.isEmpty());
      Thread.sleep(400);
      assertThat(seen).as("unchanged status is not sent again").hasSize(1);
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
    Path yaml = tmp.resolve("job.yaml");
    Files.writeString(yaml, """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata: {name: status-fail}
        spec:
          model: {name: mlp}
          dataset: {name: fashion-mnist, source: {path: /usr/share/datasets/fashion-mnist}}
          training:
            algorithm: localSGD
            epochs: 1
            batch: {perWorker: 500}
            learningRate: {initial: 0.05}
          allocation: {localSteps: {policy: fixed, base: 8}}
          pools:
          - {name: cpu, deviceClass: cpu, replicas: 1}
        """);
    HeteroTrainingJob job = JobManifests.read(yaml);
    var spec = SpecDefaults.apply(job.getSpec());
    var plan = RunnerAccess.plan("status-fail", spec);
    Path planFile = tmp.resolve("plan.json");
    Files.writeString(planFile, PlanCodec.toJson(new PlanDocument("status-fail", "team-b", 1, spec, plan)));
    Map<String, String> env = apiEnv();
    env.put(KubeApiTarget.INTERVAL_SECONDS, "0.2");
    env.put(WorkerEnv.RANK, "0");
    env.put(WorkerEnv.WORLD_SIZE, "1");
    env.put(WorkerEnv.BATCH_SIZE, String.valueOf(plan.get(0).batchSize()));
    env.put(WorkerEnv.LOCAL_STEPS, String.valueOf(plan.get(0).localSteps()));
    env.put(WorkerEnv.TOKEN, "data-plane-token-xyz");
    env.put(WorkerEnv.COORDINATOR_ADDR, "127.0.0.1:0");
    env.put(WorkerEnv.PLAN_FILE, planFile.toString());
    env.put(WorkerEnv.JOB_NAME, "status-fail");
    env.put(WorkerEnv.JOB_NAMESPACE, "team-b");
    env.put(WorkerEnv.METRICS_PORT, "off");
    env.put("HTJ_ROUND_EVENTS_EVERY_MS", "0");
    ByteArrayOutputStream events = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new WorkerProcess(env, new PrintStream(events, true, StandardCharsets.UTF_8), new PrintStream(log, true, StandardCharsets.UTF_8))
        .run();
    String eventText = events.toString(StandardCharsets.UTF_8);
    String logText = log.toString(StandardCharsets.UTF_8);
    assertThat(eventText).as("training finished although every report failed").contains("@htj done");
    assertThat(seen).as("reports were attempted and retried").hasSizeGreaterThanOrEqualTo(2);
    assertThat(seen).allMatch(s -> s.path().endsWith("/namespaces/team-b/heterotrainingjobs/status-fail/status"));
    assertThat(logText).contains("status: report for team-b/status-fail failed (HTTP 500: etcd is sad); training goes on");
    assertThat(logText).doesNotContain(SA_TOKEN).doesNotContain("data-plane-token-xyz");
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
