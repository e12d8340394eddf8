package dev.hetero.training.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A job's children, as the API server and each node's containerd see them. */
final class JobChildren {
  private JobChildren() {
  }

  /** What is left of a job: objects by kind/name, and pods with a container still in containerd. */
  static List<String> leftOf(LocalCluster cluster, String job) {
    KubernetesClient c = cluster.client();
    String ns = OperatorRelease.JOBS;
    List<String> left = new ArrayList<>();
    c.pods().inNamespace(ns).list().getItems().stream().filter(p -> p.getMetadata().getName().startsWith(job + "-"))
        .forEach(p -> left.add("pod/" + p.getMetadata().getName()));
    c.services().inNamespace(ns).list().getItems().stream().filter(s -> s.getMetadata().getName().startsWith(job + "-"))
        .forEach(s -> left.add("service/" + s.getMetadata().getName()));
    c.configMaps().inNamespace(ns).list().getItems().stream().filter(s -> s.getMetadata().getName().startsWith(job + "-"))
        .forEach(s -> left.add("configmap/" + s.getMetadata().getName()));
    c.secrets().inNamespace(ns).list().getItems().stream().filter(s -> s.getMetadata().getName().startsWith(job + "-"))
        .forEach(s -> left.add("secret/" + s.getMetadata().getName()));
    c.serviceAccounts().inNamespace(ns).list().getItems().stream().filter(s -> s.getMetadata().getName().startsWith(job + "-"))
        .forEach(s -> left.add("serviceaccount/" + s.getMetadata().getName()));
    c.rbac().roles().inNamespace(ns).list().getItems().stream().filter(s -> s.getMetadata().getName().startsWith(job + "-"))
        .forEach(s -> left.add("role/" + s.getMetadata().getName()));
    c.rbac().roleBindings().inNamespace(ns).list().getItems().stream().filter(s -> s.getMetadata().getName().startsWith(job + "-"))
        .forEach(s -> left.add("rolebinding/" + s.getMetadata().getName()));
    for (String node : List.of("gpu-1", "cpu-1")) {
      cluster.podsWithContainers(node, ns).stream().filter(p -> p.startsWith(job + "-"))
          .forEach(p -> left.add("container of " + p + " on " + node));
    }
    return left;
  }

  static void awaitAllGone(LocalCluster cluster, String job) {
    TrainingJobs.await("every child of " + job + " gone", Duration.ofMinutes(2)).until(() -> leftOf(cluster, job).isEmpty());
    assertThat(leftOf(cluster, job)).isEmpty();
  }
}
