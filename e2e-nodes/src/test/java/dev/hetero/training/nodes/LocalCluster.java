package dev.hetero.training.nodes;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The cluster of {@code hack/local-cluster.sh}: real kubelets, containerd and runc on this machine,
 * reached from the tests through the API server bridge on 127.0.0.1. Without a running cluster the
 * scenarios are skipped, unless {@code HETERO_REQUIRE_REAL_NODES=true} (CI), when that is a failure.
 */
public final class LocalCluster {
  private static LocalCluster instance;

  private final Path dir;
  private final Path kubeconfig;
  private final KubernetesClient client;

  private LocalCluster(Path dir) {
    this.dir = dir;
    this.kubeconfig = dir.resolve("kubeconfig");
    this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(kubeconfig))).build();
  }

  public static synchronized LocalCluster get() {
    if (instance != null) {
      return instance;
    }
    Path dir = Path.of(System.getenv().getOrDefault("HETERO_CLUSTER_DIR", "/tmp/hetero-cluster"));
    String why = null;
    if (!Files.isReadable(dir.resolve("kubeconfig"))) {
      why = "no local cluster: " + dir.resolve("kubeconfig") + " is missing (run hack/local-cluster.sh up)";
    } else if (run(List.of(repo().resolve("hack").resolve("local-cluster.sh").toString(), "status"), Duration.ofSeconds(30)).exit() != 0) {
      why = "the local cluster in " + dir + " is not up (hack/local-cluster.sh status)";
    }
    if (why != null) {
      if (Boolean.parseBoolean(System.getenv("HETERO_REQUIRE_REAL_NODES"))) {
        throw new IllegalStateException(why + "; HETERO_REQUIRE_REAL_NODES=true");
      }
      Assumptions.abort(why);
    }
    instance = new LocalCluster(dir);
    return instance;
  }

  public KubernetesClient client() {
    return client;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path dir() {
    return dir;
  }

  /** The repository root (surefire passes it; the module's parent otherwise). */
  public static Path repo() {
    String env = System.getenv("HETERO_REPO");
    return env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent();
  }

  /** The kubectl command line for these arguments, against this cluster (for commands that stream). */
  public List<String> kubectlCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectlBinary().toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs the real kubectl (the one the control-plane build made) against the cluster; fails on a non-zero exit. */
  public String kubectl(String... args) {
    List<String> command = kubectlCommand(args);
    Result r = run(command, Duration.ofSeconds(60));
    if (r.exit() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.output());
    }
    return r.output();
  }

  /** The node's machine dies: kubelet, containers and containerd stop (hack/local-cluster.sh node-down). */
  public void nodeDown(String node) {
    script("node-down", node);
  }

  public void nodeUp(String node) {
    script("node-up", node);
  }

  private void script(String verb, String node) {
    Result r = run(List.of(repo().resolve("hack").resolve("local-cluster.sh").toString(), verb, node), Duration.ofMinutes(3));
    if (r.exit() != 0) {
      throw new AssertionError("local-cluster.sh " + verb + " " + node + " exited " + r.exit() + ":\n" + r.output());
    }
  }

  /**
   * Names of the pods that still have a container in a node's containerd, from containerd itself
   * (not the API server): what "every container is gone" must be checked against.
   */
  public List<String> podsWithContainers(String node, String namespace) {
    Path socket = dir.resolve("containerd-" + node).resolve("containerd.sock");
    if (!Files.exists(socket)) {
      return List.of();
    }
    Result ids = run(List.of("ctr", "-a", socket.toString(), "-n", "k8s.io", "containers", "ls", "-q"), Duration.ofSeconds(30));
    List<String> pods = new ArrayList<>();
    for (String id : ids.output().split("\\s+")) {
      if (id.isBlank()) {
        continue;
      }
      String info = run(List.of("ctr", "-a", socket.toString(), "-n", "k8s.io", "containers", "info", id), Duration.ofSeconds(30)).output();
      if (info.contains("\"io.kubernetes.pod.namespace\": \"" + namespace + "\"")) {
        int at = info.indexOf("\"io.kubernetes.pod.name\": \"");
        if (at >= 0) {
          int from = at + "\"io.kubernetes.pod.name\": \"".length();
          pods.add(info.substring(from, info.indexOf('"', from)));
        }
      }
    }
    return pods;
  }

  private static Path kubectlBinary() {
    String bin = System.getenv("HETERO_K8S_BIN");
    if (bin != null && Files.isExecutable(Path.of(bin, "kubectl"))) {
      return Path.of(bin, "kubectl");
    }
    Result r = run(List.of(repo().resolve("hack").resolve("control-plane-binaries.sh").toString()), Duration.ofMinutes(1));
    String[] lines = r.output().strip().split("\n");
    return Path.of(lines[lines.length - 1].strip(), "kubectl");
  }

  record Result(int exit, String output) {
  }

  static Result run(List<String> command, Duration timeout) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command));
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }
}
