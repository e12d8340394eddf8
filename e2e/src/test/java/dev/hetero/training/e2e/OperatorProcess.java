package dev.hetero.training.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * The real operator (the Quarkus app the build produced) as a separate process against the test
 * cluster, so a test can stop and restart it like a pod, and run it under a given identity.
 */
final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int port;

  private OperatorProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The operator's fast-jar; $HETERO_OPERATOR_JAR overrides the reactor's build output. */
  static Path jar() {
    String override = System.getenv("HETERO_OPERATOR_JAR");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return Repo.root().resolve("operator").resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
  }

  /** Starts the operator with fast backoff and grace settings, and waits for its readiness endpoint. */
  static OperatorProcess start(ControlPlane cp, String name, Map<String, String> extraEnv) {
    OperatorProcess operator = launch(cp, name, extraEnv);
    operator.awaitReady(Duration.ofSeconds(90));
    return operator;
  }

  /** Starts the operator without waiting: under too little RBAC it may never become ready. */
  static OperatorProcess launch(ControlPlane cp, String name, Map<String, String> extraEnv) {
    Assumptions.assumeTrue(Files.exists(jar()), () -> "operator not built: " + jar() + " (build the reactor first)");
    try {
      int port = freePort();
      Path logs = Path.of("target", "operator-logs").toAbsolutePath();
      Files.createDirectories(logs);
      Path log = logs.resolve(name + ".log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar().toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.put("KUBECONFIG", cp.kubeconfig().toString());
      env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      env.put("HETERO_RETRY_INTERVAL", "1s");
      env.put("HETERO_NODE_LOST_GRACE", "5s");
      env.put("HETERO_LEADER_ELECTION_ENABLED", "false");
      env.put("HETERO_TRAINER_IMAGE", "hetero-training/trainer:e2e");
      env.putAll(new HashMap<>(extraEnv));
      return new OperatorProcess(builder.start(), log, port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the operator", e);
    }
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://localhost:" + port + "/q/health/ready");
    try {
      Awaitility.await("operator readiness").atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .failFast("operator exited", () -> !process.isAlive())
          .until(() -> http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("operator not ready after " + timeout + "; log:\n" + tail(), e);
    } catch (RuntimeException e) {
      throw new AssertionError("operator exited; log:\n" + tail(), e);
    }
  }

  String metrics() {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

}
