package dev.hetero.training.e2e;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.validation.JobManifests;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Small helpers for jobs, their pods and their status in the e2e tests. */
final class Jobs {
  private Jobs() {
  }

  /**
   * A job whose pools select only nodes labelled {@code e2e.hetero.dev/suite=<suite>}: the
   * planner sees every node of the shared cluster, and tests must not plan onto each other's.
   */
  static HeteroTrainingJob job(String name, String namespace, String suite, String poolsYaml, String extraSpecYaml) {
    String yaml = """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata:
          name: %s
          namespace: %s
        spec:
          model: {name: lenet}
          dataset: {name: fashion-mnist, source: {path: /usr/share/datasets/fashion-mnist}}
          training: {algorithm: biasedLocalSGD, epochs: 2, batch: {global: 512}}
        %s
          pools:
        %s
        """.formatted(name, namespace, extraSpecYaml.indent(2).stripTrailing(), poolsYaml.replace("SUITE", suite).indent(2).stripTrailing());
    HeteroTrainingJob job = JobManifests.parse(yaml, name + ".yaml");
    job.getMetadata().setNamespace(namespace);
    return job;
  }

  static void namespace(KubernetesClient client, String name) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).serverSideApply();
  }

  static Map<String, String> suite(String suite) {
    return Map.of("e2e.hetero.dev/suite", suite);
  }

  static HeteroTrainingJob await(KubernetesClient client, String namespace, String name, Predicate<HeteroTrainingJob> condition,
      int seconds) {
    return client.resources(HeteroTrainingJob.class).inNamespace(namespace).withName(name)
        .waitUntilCondition(j -> j != null && condition.test(j), seconds, TimeUnit.SECONDS);
  }

  static boolean phase(HeteroTrainingJob job, String phase) {
    return job.getStatus() != null && job.getStatus().phase() != null && job.getStatus().phase().name().equals(phase);
  }

  static Optional<JobCondition> condition(HeteroTrainingJob job, String type) {
    HeteroTrainingJobStatus status = job.getStatus();
    if (status == null || status.conditions() == null) {
      return Optional.empty();
    }
    return status.conditions().stream().filter(c -> type.equals(c.type())).findFirst();
  }

  static List<Pod> workerPods(KubernetesClient client, String namespace, String job) {
    return client.pods().inNamespace(namespace).withLabel("training.hetero.dev/job", job).list().getItems();
  }

  static List<Pod> awaitRunningPods(KubernetesClient client, String namespace, String job, int count, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Pod> pods = List.of();
    while (System.nanoTime() < deadline) {
      pods = workerPods(client, namespace, job);
      if (pods.size() == count && pods.stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() == null
          && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))) {
        return pods;
      }
      OperatorProcess.sleep(500);
    }
    throw new AssertionError("expected " + count + " running pods of " + job + ", got " + pods.stream()
        .map(p -> p.getMetadata().getName() + "=" + (p.getStatus() == null ? "?" : p.getStatus().getPhase())
            + "@" + p.getSpec().getNodeName()).toList());
  }

  static String env(Pod pod, String name) {
    return pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> name.equals(e.getName()))
        .map(e -> e.getValue()).findFirst().orElse(null);
  }
}
