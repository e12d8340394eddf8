package dev.hetero.training.e2e;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * One real kube-apiserver + etcd per test JVM, started on first use through kube-api-test in
 * offline mode, from the binaries hack/control-plane-binaries.sh builds. Tests call
 * {@link #shared()}; when the binaries are absent they are skipped with the command that builds
 * them (CI always builds them first).
 */
public final class ControlPlane {
  /** Kubernetes version the binaries are built at (no leading v: kube-api-test parses it as numbers). */
  public static final String K8S_VERSION = "1.36.3";
  private static final String CACHE_NAME = "v1.36.3-v3.6.16-v0.8.0";
  private static final String[] REQUIRED = {"kube-apiserver", "etcd", "kubectl"};

  private static ControlPlane instance;

  private final KubeAPIServer server;
  private final Path binaries;
  private final Path kubeconfig;
  private final String kubeconfigYaml;

  private ControlPlane(KubeAPIServer server, Path binaries, Path kubeconfig, String kubeconfigYaml) {
    this.server = server;
    this.binaries = binaries;
    this.kubeconfig = kubeconfig;
    this.kubeconfigYaml = kubeconfigYaml;
  }

  /** Where the binaries are: $HETERO_K8S_BIN, or the script's default cache folder. */
  public static Path binaries() {
    String env = System.getenv("HETERO_K8S_BIN");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "hetero-k8s-bins", CACHE_NAME);
  }

  public static boolean available() {
    Path dir = binaries();
    for (String name : REQUIRED) {
      if (!Files.isExecutable(dir.resolve(name))) {
        return false;
      }
    }
    return true;
  }

  /** The shared control plane; skips the calling test when the binaries are absent. */
  public static synchronized ControlPlane shared() {
    Assumptions.assumeTrue(available(), () -> "no control-plane binaries in " + binaries()
        + ": build them with hack/control-plane-binaries.sh (CI does)");
    if (instance == null) {
      instance = start(Path.of("target", "kubeapitest").toAbsolutePath(), Map.of());
      Runtime.getRuntime().addShutdownHook(new Thread(instance.server::stop, "stop-kube-apiserver"));
    }
    return instance;
  }

  /**
   * A control plane of its own (benchmarks), with extra kube-apiserver flags; the caller stops it.
   * Not for tests: they share {@link #shared()}.
   */
  public static ControlPlane startDedicated(Path testDir, Map<String, String> apiServerFlags) {
    if (!available()) {
      throw new IllegalStateException("no control-plane binaries in " + binaries() + ": run hack/control-plane-binaries.sh");
    }
    return start(testDir, apiServerFlags);
  }

  public void stop() {
    server.stop();
  }

  private static ControlPlane start(Path testDir, Map<String, String> apiServerFlags) {
    try {
      // kube-api-test looks for <dir>/k8s/<version>-<os>-<arch>/{kube-apiserver,etcd,kubectl}.
      Path versionDir = testDir.resolve("k8s").resolve(K8S_VERSION + "-linux-amd64");
      Files.createDirectories(versionDir);
      for (String name : REQUIRED) {
        Path link = versionDir.resolve(name);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, binaries().resolve(name));
      }
      KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig();
      apiServerFlags.forEach(config::withApiServerFlag);
      KubeAPIServer server = new KubeAPIServer(config
          .withTestDir(testDir.toString())
          .withApiServerVersion(K8S_VERSION)
          .withOfflineMode(true)
          .withUpdateKubeConfig(false)
          .withStartupTimeout(180_000)
          .build());
      server.start();
      String yaml = server.getKubeConfigYaml();
      Path kubeconfig = testDir.resolve("kubeconfig.yaml");
      Files.writeString(kubeconfig, yaml, StandardCharsets.UTF_8);
      return new ControlPlane(server, binaries(), kubeconfig, yaml);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare kube-api-test's binary folder", e);
    }
  }

  public String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path binary(String name) {
    return binaries.resolve(name);
  }

  /** A cluster-admin client (the certificate is in system:masters). */
  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigYaml)).build();
  }

  /** A client that impersonates a user (and groups), as the API server's RBAC sees them. */
  public KubernetesClient clientAs(String user, String... groups) {
    Config config = Config.fromKubeconfig(kubeconfigYaml);
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** A client acting as a ServiceAccount. */
  public KubernetesClient clientAsServiceAccount(String namespace, String name) {
    return clientAs("system:serviceaccount:" + namespace + ":" + name,
        "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
  }

  /** Runs kubectl against this API server; returns stdout, or fails with stderr. */
  public String kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary("kubectl").toString());
    command.add("--kubeconfig=" + kubeconfig);
    // Its own discovery cache: never the user's ~/.kube, and fresh for every API server.
    command.add("--cache-dir=" + kubeconfig.getParent().resolve("kubectl-cache"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("kubectl " + String.join(" ", args) + " failed: " + err);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * kubectl, retried for up to 30 s: discovery of a new CRD's resource types can lag its
   * Established condition by a moment.
   */
  public String kubectlEventually(String... args) {
    AtomicReference<String> out = new AtomicReference<>();
    Awaitility.await("kubectl " + String.join(" ", args)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> out.set(kubectl(args)));
    return out.get();
  }

  /** Installs (or updates) the committed CRD and waits until it is Established. */
  public void installCrd() {
    try (KubernetesClient client = adminClient()) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .load(Files.newInputStream(Repo.root().resolve("crds").resolve(Repo.CRD_FILE))).item();
      client.resource(crd).forceConflicts().serverSideApply();
      waitEstablished(client, crd.getMetadata().getName());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void waitEstablished(KubernetesClient client, String crdName) {
    client.apiextensions().v1().customResourceDefinitions().withName(crdName)
        .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream()
                .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
            Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
  }
}
