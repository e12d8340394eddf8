package dev.hetero.training.operator.reconciler;

import dev.hetero.training.operator.Fixtures;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/** Helpers for driving the mock API server as the kubelet and the user would. */
public final class MockServerSupport {
  private MockServerSupport() {
  }

  /** The committed CRD (owned by api/), so the mock server knows the status subresource. */
  public static void applyCrd(KubernetesClient client) throws Exception {
    Path crd = Path.of("..", "crds", "heterotrainingjobs.training.hetero.dev-v1.yml");
    if (!Files.exists(crd)) {
      crd = Path.of("crds", "heterotrainingjobs.training.hetero.dev-v1.yml");
    }
    try (var in = Files.newInputStream(crd)) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
  }

  /**
   * The cluster most mock-server tests start from: the CRD, an A100 node and two 4-core CPU nodes,
   * and a started operator with 1 s backoff (4 s cap) and a 1 s node-lost grace.
   */
  public static MockOperator startOnMixedNodes(KubernetesClient client) throws Exception {
    applyCrd(client);
    client.nodes().resource(Fixtures.gpuNode("gpu-node-1", "NVIDIA-A100-SXM4-80GB")).create();
    client.nodes().resource(Fixtures.cpuNode("cpu-node-1", "4")).create();
    client.nodes().resource(Fixtures.cpuNode("cpu-node-2", "4")).create();
    return new MockOperator(client, Fixtures.config(Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .start();
  }

  /** Waits until the condition holds; fails after the timeout naming what was awaited. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(40)).ignoreExceptions()
        .until(condition::getAsBoolean);
  }

  public static List<Pod> workerPods(KubernetesClient client, String ns, String job) {
    return client.pods().inNamespace(ns).withLabel("training.hetero.dev/job", job).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  public static HeteroTrainingJob job(KubernetesClient client, String ns, String name) {
    return client.resources(HeteroTrainingJob.class).inNamespace(ns).withName(name).get();
  }

  public static JobPhase phase(KubernetesClient client, String ns, String name) {
    HeteroTrainingJob job = job(client, ns, name);
    return job == null || job.getStatus() == null ? null : job.getStatus().phase();
  }

  /** Plays the kubelet: sets a pod's phase (and a terminated container for Failed/Succeeded). */
  public static void setPodPhase(KubernetesClient client, Pod pod, String phase, String terminationReason, int exitCode) {
    var status = new PodStatusBuilder().withPhase(phase);
    if ("Running".equals(phase)) {
      status.addNewCondition().withType("Ready").withStatus("True").endCondition()
          .addNewContainerStatus().withName("trainer").withReady(true).withNewState().withNewRunning()
          .withStartedAt(Instant.now().toString()).endRunning().endState().endContainerStatus();
    } else if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
      status.addNewContainerStatus().withName("trainer").withNewState().withNewTerminated().withExitCode(exitCode)
          .withReason(terminationReason).withFinishedAt(Instant.now().toString()).endTerminated().endState()
          .endContainerStatus();
    }
    Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
    fresh.setStatus(status.build());
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(fresh).updateStatus();
  }

  public static void setAllRunning(KubernetesClient client, String ns, String job) {
    for (Pod pod : workerPods(client, ns, job)) {
      setPodPhase(client, pod, "Running", null, 0);
    }
  }

  /** Event objects of this reason (repeats fold into one object). */
  public static long events(KubernetesClient client, String ns, String reason) {
    return eventsOf(client, ns, reason).size();
  }

  /** Occurrences of this reason: the folded Events' counts added up. */
  public static int occurrences(KubernetesClient client, String ns, String reason) {
    return eventsOf(client, ns, reason).stream().mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
  }

  public static List<Event> eventsOf(KubernetesClient client, String ns, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
  }
}
