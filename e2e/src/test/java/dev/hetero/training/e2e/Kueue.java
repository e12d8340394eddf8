package dev.hetero.training.e2e;

import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Kueue's manager (v0.17.0, built by hack/kueue-binaries.sh from the Go module proxy) against the
 * test cluster: its CRDs installed, a Configuration with the pod integration for namespaces labelled
 * {@link #MANAGED_NAMESPACE_LABEL}, leader election off, internal certificate management off with a
 * serving certificate for 127.0.0.1 made here, health and metrics on free localhost ports, and its
 * webhooks (the pod ones and Kueue's own API's) registered with {@code url: https://127.0.0.1:<port>}.
 *
 * <p>Kueue reads its metrics certificate from the fixed path /etc/kueue/metrics/certs when it does
 * not manage certificates itself; the harness gives the process a private mount namespace with an
 * overlay on /etc that adds that folder (root only, like the real-node cluster), so the machine's
 * /etc is never touched.
 *
 * <p>Without the binaries the calling test is skipped with the command that builds them, unless
 * {@code HETERO_REQUIRE_KUEUE=true} (CI), where a Kueue that is missing or cannot start fails.
 */
final class Kueue implements AutoCloseable {
  static final String VERSION = "v0.17.0";
  /** Namespaces whose pods Kueue manages (managedJobsNamespaceSelector and the pod webhooks' namespaceSelector). */
  static final String MANAGED_NAMESPACE_LABEL = "e2e.hetero.dev/kueue";
  static final String API = "kueue.x-k8s.io/v1beta2";
  private static final String MUTATING = "hetero-e2e-kueue-mutating";
  private static final String VALIDATING = "hetero-e2e-kueue-validating";

  private final Process process;
  private final Path log;
  private final KubernetesClient admin;
  private final Duration startup;

  private Kueue(Process process, Path log, KubernetesClient admin, Duration startup) {
    this.process = process;
    this.log = log;
    this.admin = admin;
    this.startup = startup;
  }

  /** $HETERO_KUEUE_BIN, or hack/kueue-binaries.sh's default cache folder. */
  static Path binaries() {
    String env = System.getenv("HETERO_KUEUE_BIN");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "hetero-k8s-bins", "kueue-" + VERSION);
  }

  static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("HETERO_REQUIRE_KUEUE"));
  }

  /** Starts Kueue on the cluster and waits until it admits; the caller closes it (webhooks removed, process stopped). */
  static Kueue start(Cluster cluster) {
    Path bin = binaries();
    boolean present = Files.isExecutable(bin.resolve("kueue")) && Files.isDirectory(bin.resolve("crds"))
        && Files.isRegularFile(bin.resolve("webhooks.yaml"));
    if (!present) {
      String message = "no Kueue " + VERSION + " in " + bin + ": build it with hack/kueue-binaries.sh (CI does)";
      if (required()) {
        Assertions.fail(message + " (HETERO_REQUIRE_KUEUE=true)");
      }
      Assumptions.abort(message);
    }
    try {
      return launch(cluster.controlPlane(), bin);
    } catch (RuntimeException | IOException e) {
      throw new AssertionError("Kueue " + VERSION + " could not be started: " + e.getMessage(), e);
    }
  }

  private static Kueue launch(ControlPlane cp, Path bin) throws IOException {
    long t0 = System.nanoTime();
    KubernetesClient admin = cp.adminClient();
    installCrds(admin, bin);
    Jobs.namespace(admin, "kueue-system");

    Path dir = Path.of("target", "kueue").toAbsolutePath();
    Path certs = dir.resolve("certs");
    Files.createDirectories(certs);
    Path cert = certs.resolve("tls.crt");
    Path key = certs.resolve("tls.key");
    CertManager.generateKeyAndCertificate("CN=127.0.0.1", key.toFile(), cert.toFile(),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
    // What the overlay adds to /etc: Kueue's fixed metrics certificate folder.
    Path upper = dir.resolve("etc-upper");
    Path work = dir.resolve("etc-work");
    deleteTree(upper);
    deleteTree(work);
    Path metricsCerts = Files.createDirectories(upper.resolve("kueue").resolve("metrics").resolve("certs"));
    Files.copy(cert, metricsCerts.resolve("tls.crt"));
    Files.copy(key, metricsCerts.resolve("tls.key"));
    Files.createDirectories(work);

    int webhookPort = freePort();
    int healthPort = freePort();
    int metricsPort = freePort();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, configuration(webhookPort, healthPort, metricsPort, certs), StandardCharsets.UTF_8);

    Path logs = Path.of("target", "cluster-logs").toAbsolutePath();
    Files.createDirectories(logs);
    Path log = logs.resolve("kueue.log");
    List<String> command = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
        "mount -t overlay overlay -o lowerdir=/etc,upperdir=\"$1\",workdir=\"$2\" /etc && shift 2 && exec \"$@\"", "kueue-in-ns",
        upper.toString(), work.toString(), bin.resolve("kueue").toString(), "--config=" + config,
        // The on-demand visibility API would start its own API server; these tests do not use it.
        "--feature-gates=VisibilityOnDemand=false", "--zap-log-level=2");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", cp.kubeconfig().toString());
    long launched = System.nanoTime();
    Process process = builder.start();
    Kueue kueue = null;
    try {
      awaitHealthy(process, healthPort, log);
      long processMillis = Duration.ofNanos(System.nanoTime() - launched).toMillis();
      registerWebhooks(admin, bin, webhookPort, Files.readString(cert));
      kueue = new Kueue(process, log, admin, Duration.ofNanos(System.nanoTime() - t0));
      kueue.awaitWebhooksServe();
      kueue = new Kueue(process, log, admin, Duration.ofNanos(System.nanoTime() - t0));
      String line = "Kueue " + VERSION + ": process ready (/readyz) " + processMillis + " ms after launch; admitting"
          + " (CRDs, certificate, process, webhooks reachable) " + kueue.startup.toMillis() + " ms after the start";
      System.out.println(line);
      Files.writeString(dir.resolve("startup.txt"), line + "\n", StandardCharsets.UTF_8);
      return kueue;
    } catch (RuntimeException | Error e) {
      if (kueue == null) {
        new Kueue(process, log, admin, Duration.ZERO).close();
      } else {
        kueue.close();
      }
      throw e;
    }
  }

  private static String configuration(int webhookPort, int healthPort, int metricsPort, Path certDir) {
    return String.join("\n",
        "apiVersion: config.kueue.x-k8s.io/v1beta2",
        "kind: Configuration",
        "namespace: kueue-system",
        "leaderElection:",
        "  leaderElect: false",
        "internalCertManagement:",
        "  enable: false",
        "webhook:",
        "  host: 127.0.0.1",
        "  port: " + webhookPort,
        "  certDir: " + certDir,
        "health:",
        "  healthProbeBindAddress: 127.0.0.1:" + healthPort,
        "metrics:",
        "  bindAddress: 127.0.0.1:" + metricsPort,
        "manageJobsWithoutQueueName: false",
        "managedJobsNamespaceSelector:",
        "  matchLabels:",
        "    " + MANAGED_NAMESPACE_LABEL + ": \"true\"",
        "integrations:",
        "  frameworks:",
        "  - pod",
        "");
  }

  /** Kueue's CRDs from the same module zip, server-side applied, each waited for until Established. */
  static void installCrds(KubernetesClient admin, Path bin) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(bin.resolve("crds"))) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
        admin.resource(crd).forceConflicts().serverSideApply();
        ControlPlane.waitEstablished(admin, crd.getMetadata().getName());
      }
    }
  }

  /**
   * Kueue's CRDs alone (no Kueue running), for tests of the operator with Kueue's API served; false
   * when the binaries are absent (and not required).
   */
  static boolean installCrdsIfAvailable(KubernetesClient admin) {
    if (!Files.isDirectory(binaries().resolve("crds"))) {
      if (required()) {
        Assertions.fail("no Kueue " + VERSION + " CRDs in " + binaries() + " (HETERO_REQUIRE_KUEUE=true)");
      }
      return false;
    }
    try {
      installCrds(admin, binaries());
      return true;
    } catch (IOException e) {
      throw new IllegalStateException("cannot install Kueue's CRDs", e);
    }
  }

  private static void awaitHealthy(Process process, int healthPort, Path log) {
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + healthPort + "/readyz");
    try {
      Awaitility.await("Kueue's /readyz").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
          .failFast("Kueue exited", () -> !process.isAlive())
          .until(() -> http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new IllegalStateException("Kueue did not become ready; its log:\n" + tail(log), e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("Kueue exited; its log:\n" + tail(log), e);
    }
  }

  /**
   * Kueue's webhook manifests with every Service clientConfig rewritten to the local port and our
   * CA: the pod webhooks (selected to the managed namespaces, so no other test's pods pass through
   * Kueue) and those of Kueue's own API. Other integrations' webhooks are left out.
   */
  @SuppressWarnings("unchecked")
  private static void registerWebhooks(KubernetesClient admin, Path bin, int port, String caPem) throws IOException {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    // Generic, so the mutating and the validating configuration are rewritten by the same code.
    List<GenericKubernetesResource> configurations = java.util.Arrays.stream(
            Files.readString(bin.resolve("webhooks.yaml")).split("(?m)^---\\s*$"))
        .filter(doc -> doc.contains("kind:")).map(doc -> Serialization.unmarshal(doc, GenericKubernetesResource.class)).toList();
    for (GenericKubernetesResource configuration : configurations) {
      List<Map<String, Object>> kept = new ArrayList<>();
      for (Map<String, Object> webhook : (List<Map<String, Object>>) configuration.getAdditionalProperties().get("webhooks")) {
        Map<String, Object> clientConfig = (Map<String, Object>) webhook.get("clientConfig");
        String path = String.valueOf(((Map<String, Object>) clientConfig.get("service")).get("path"));
        boolean pod = path.endsWith("--v1-pod");
        if (!pod && !path.contains("-kueue-x-k8s-io-")) {
          continue;
        }
        webhook.put("clientConfig", Map.of("url", "https://127.0.0.1:" + port + path, "caBundle", ca));
        if (pod) {
          webhook.put("namespaceSelector", Map.of("matchLabels", managedNamespaceLabels()));
        }
        kept.add(webhook);
      }
      configuration.getAdditionalProperties().put("webhooks", kept);
      boolean mutating = configuration.getKind().startsWith("Mutating");
      configuration.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
          .withName(mutating ? MUTATING : VALIDATING).build());
      admin.resource(configuration).forceConflicts().serverSideApply();
    }
  }

  /**
   * The API server reaches Kueue's webhooks (a ResourceFlavor goes through its mutating and
   * validating webhooks): retried while the new configuration propagates.
   */
  private void awaitWebhooksServe() {
    var probe = Serialization.unmarshal("apiVersion: " + API + "\nkind: ResourceFlavor\nmetadata: {name: e2e-webhook-probe}\n",
        GenericKubernetesResource.class);
    try {
      Awaitility.await("Kueue's webhooks").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptions().failFast("Kueue exited", () -> !process.isAlive())
          .until(() -> {
            admin.resource(probe).dryRun().create();
            return true;
          });
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new IllegalStateException("the API server cannot reach Kueue's webhooks; Kueue's log:\n" + tail(log), e);
    }
  }

  Duration startup() {
    return startup;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String tail() {
    return tail(log);
  }

  /** Applies Kueue objects (ResourceFlavors, ClusterQueues, LocalQueues, priority classes) given as YAML. */
  void apply(String yaml) {
    for (HasMetadata item : admin.load(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      admin.resource(item).forceConflicts().serverSideApply();
    }
  }

  /** A Kueue object by kind and name, or null. */
  GenericKubernetesResource get(String kind, String namespace, String name) {
    var context = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("kueue.x-k8s.io")
        .withVersion("v1beta2").withKind(kind).withPlural(kind.toLowerCase() + (kind.endsWith("s") ? "es" : "s"))
        .withNamespaced(namespace != null).build();
    var resources = admin.genericKubernetesResources(context);
    return namespace == null ? resources.withName(name).get() : resources.inNamespace(namespace).withName(name).get();
  }

  @Override
  public void close() {
    // Webhooks first: with failurePolicy Fail they would refuse every later pod of a managed namespace.
    try {
      admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(MUTATING).delete();
      admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(VALIDATING).delete();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      admin.close();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static Map<String, String> managedNamespaceLabels() {
    return Map.of(MANAGED_NAMESPACE_LABEL, "true");
  }
}
