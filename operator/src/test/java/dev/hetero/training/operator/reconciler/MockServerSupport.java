package dev.hetero.training.operator.reconciler;

import static org.assertj.core.api.Assertions.fail;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

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

  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException ignored) {
        // not there yet
      }
      sleep(40);
    }
    if (!condition.getAsBoolean()) {
      fail("timed out after " + timeout + " waiting for: " + what);
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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

  public static long events(KubernetesClient client, String ns, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream().filter(e -> reason.equals(e.getReason()))
        .count();
  }
}
