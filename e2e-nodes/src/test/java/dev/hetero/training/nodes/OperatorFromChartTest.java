package dev.hetero.training.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Scenario 1: the chart installs the operator from its image; it becomes Ready and takes the Lease. */
@Order(1)
class OperatorFromChartTest {

  @Test
  void theChartRunsTheOperatorImageReadyAndLeading() {
    LocalCluster cluster = OperatorRelease.installed();
    KubernetesClient client = cluster.client();
    List<Pod> pods = client.pods().inNamespace(OperatorRelease.NAMESPACE)
        .withLabel("app.kubernetes.io/name", OperatorRelease.RELEASE).list().getItems();
    assertThat(pods).hasSize(1);
    Pod pod = pods.get(0);
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("docker.io/hetero-training/operator:0.1.0");
    assertThat(pod.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
    assertThat(pod.getStatus().getContainerStatuses().get(0).getImageID()).as("a real container ran the image").isNotBlank();
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    String holder = Awaitility.await("the operator holds the Lease").atMost(Duration.ofSeconds(60))
        .until(() -> {
          Lease lease = client.leases().inNamespace(OperatorRelease.NAMESPACE).withName(OperatorRelease.RELEASE).get();
          return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        }, h -> h != null && !h.isBlank());
    assertThat(holder).startsWith(pod.getMetadata().getName());
    assertThat(cluster.kubectl("-n", OperatorRelease.NAMESPACE, "logs", pod.getMetadata().getName()))
        .contains("heterotrainingjob");
  }
}
