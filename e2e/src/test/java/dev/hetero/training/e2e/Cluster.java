package dev.hetero.training.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shared API server plus what makes it a cluster: kube-scheduler (binds pods),
 * kube-controller-manager (garbage collection, namespaces, pod GC of deleted nodes, a ResourceClaim per pod from
 * its ResourceClaimTemplate) and kwok
 * (fake kubelets: nodes Ready, bound pods Running, and the project's stages that end a worker on
 * an annotation). Started once per test JVM; logs go to e2e/target/cluster-logs/.
 */
public final class Cluster {
  /** Annotation the project's kwok stages watch: the exit code the fake worker "exits" with. */
  public static final String EXIT_CODE_ANNOTATION = "e2e.hetero.dev/exit-code";
  private static final String FAKE_NODE_ANNOTATION = "kwok.x-k8s.io/node";

  private static Cluster instance;

  private final ControlPlane controlPlane;
  private final List<Process> processes = new ArrayList<>();

  private Cluster(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  /** The shared cluster; skips the calling test when the binaries are absent. */
  public static synchronized Cluster shared() {
    ControlPlane cp = ControlPlane.shared();
    if (instance == null) {
      Cluster cluster = new Cluster(cp);
      cluster.start(Path.of("target", "cluster-logs").toAbsolutePath());
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "stop-cluster"));
      instance = cluster;
    }
    return instance;
  }

  /** Scheduler, controller-manager and kwok on a dedicated control plane (benchmarks); close with {@link #stopComponents()}. */
  public static Cluster startOn(ControlPlane controlPlane, Path logs) {
    Cluster cluster = new Cluster(controlPlane);
    cluster.start(logs);
    return cluster;
  }

  public void stopComponents() {
    stop();
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  private void start(Path logs) {
    try {
      Files.createDirectories(logs);
      String kubeconfig = controlPlane.kubeconfig().toString();
      processes.add(launch(logs, "kube-scheduler", List.of(
          "--kubeconfig=" + kubeconfig, "--authentication-kubeconfig=" + kubeconfig,
          "--authorization-kubeconfig=" + kubeconfig, "--leader-elect=false", "--secure-port=0")));
      processes.add(launch(logs, "kube-controller-manager", List.of(
          "--kubeconfig=" + kubeconfig, "--leader-elect=false", "--secure-port=0",
          "--controllers=garbage-collector-controller,namespace-controller,pod-garbage-collector-controller,resourceclaim-controller",
          "--concurrent-gc-syncs=5")));
      processes.add(launch(logs, "kwok", List.of(
          "--kubeconfig=" + kubeconfig, "--config=" + kwokConfig(),
          "--manage-nodes-with-annotation-selector=" + FAKE_NODE_ANNOTATION + "=fake",
          "--node-lease-duration-seconds=0", "--cidr=10.64.0.0/16", "--node-ip=10.63.0.1")));
    } catch (IOException e) {
      stop();
      throw new IllegalStateException("cannot start the cluster components", e);
    }
  }

  private Process launch(Path logs, String binary, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(controlPlane.binary(binary).toString());
    command.addAll(args);
    Path log = logs.resolve(binary + ".log");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** kwok's own node and pod stages (from the module cache copy beside the binaries) plus ours. */
  private Path kwokConfig() throws IOException {
    Path stages = controlPlane.binary("kwok-stages");
    StringBuilder config = new StringBuilder();
    for (String file : List.of("node/fast/node-initialize.yaml", "pod/fast/pod-ready.yaml", "pod/fast/pod-delete.yaml")) {
      config.append(Files.readString(stages.resolve(file), StandardCharsets.UTF_8)).append("\n---\n");
    }
    try (var own = Cluster.class.getResourceAsStream("/kwok/hetero-worker-stages.yaml")) {
      config.append(new String(own.readAllBytes(), StandardCharsets.UTF_8));
    }
    Path file = controlPlane.kubeconfig().getParent().resolve("kwok-config.yaml");
    Files.writeString(file, config.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private synchronized void stop() {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }

  /** A kwok-managed node with the given allocatable resources and labels; waits until Ready. */
  public static Node createNode(KubernetesClient client, String name, int cpus, String memory, int gpus,
      Map<String, String> labels) {
    Map<String, Quantity> allocatable = new HashMap<>();
    allocatable.put("cpu", new Quantity(Integer.toString(cpus)));
    allocatable.put("memory", new Quantity(memory));
    allocatable.put("pods", new Quantity("110"));
    if (gpus > 0) {
      allocatable.put("nvidia.com/gpu", new Quantity(Integer.toString(gpus)));
    }
    Map<String, String> allLabels = new HashMap<>(labels);
    allLabels.put("kubernetes.io/hostname", name);
    allLabels.put("type", "kwok");
    Node node = new NodeBuilder()
        .withNewMetadata().withName(name).withLabels(allLabels)
        .withAnnotations(Map.of(FAKE_NODE_ANNOTATION, "fake")).endMetadata()
        .withNewStatus().withAllocatable(allocatable).withCapacity(allocatable).endStatus()
        .build();
    client.resource(node).create();
    // The status of a create is dropped by the API server; kwok keeps what is set on the status
    // subresource. A merge patch carries no resourceVersion, so kwok's own status patches cannot conflict.
    client.nodes().withName(name).subresource("status").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        io.fabric8.kubernetes.client.utils.Serialization.asJson(Map.of("status",
            Map.of("allocatable", node.getStatus().getAllocatable(), "capacity", node.getStatus().getCapacity()))));
    client.nodes().withName(name).waitUntilCondition(Cluster::isReady, 60, TimeUnit.SECONDS);
    // The API server's TaintNodesByCondition admission taints every new node not-ready; the
    // node-lifecycle controller would lift it once Ready. We do not run that controller (it would
    // need kwok heartbeats for every node), so the harness lifts the taint itself.
    return client.nodes().withName(name).edit(n -> new NodeBuilder(n).editSpec().withTaints(
        n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints().stream()
            .filter(t -> !"node.kubernetes.io/not-ready".equals(t.getKey())).toList()).endSpec().build());
  }

  public static boolean isReady(Node node) {
    return node != null && node.getStatus() != null && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
