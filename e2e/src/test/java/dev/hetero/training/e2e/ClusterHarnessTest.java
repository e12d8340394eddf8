package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness itself, before any operator: the real scheduler binds by resources, kwok runs and
 * ends pods on demand, the real garbage collector deletes owned objects.
 */
class ClusterHarnessTest {
  private static final String NS = "harness";
  private static KubernetesClient client;

  @BeforeAll
  static void setUp() {
    Cluster cluster = Cluster.shared();
    client = cluster.controlPlane().adminClient();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    Cluster.createNode(client, "harness-gpu", 16, "64Gi", 2, Map.of("nvidia.com/gpu.product", "Tesla-T4"));
    Cluster.createNode(client, "harness-cpu", 4, "16Gi", 0, Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.nodes().withName("harness-gpu").delete();
      client.nodes().withName("harness-cpu").delete();
      client.close();
    }
  }

  private static Pod pod(String name, String gpus) {
    var builder = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox")
        .withNewResources().addToRequests("cpu", new Quantity("1"));
    if (gpus != null) {
      builder = builder.addToRequests("nvidia.com/gpu", new Quantity(gpus)).addToLimits("nvidia.com/gpu", new Quantity(gpus));
    }
    return builder.endResources().endContainer().endSpec().build();
  }

  @Test
  void schedulerBindsGpuPodsToTheGpuNodeAndKwokRunsAndEndsThem() {
    client.resource(pod("needs-gpu", "1")).create();
    Pod running = client.pods().inNamespace(NS).withName("needs-gpu")
        .waitUntilCondition(p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
    assertThat(running.getSpec().getNodeName()).isEqualTo("harness-gpu");

    client.pods().inNamespace(NS).withName("needs-gpu").edit(p -> new PodBuilder(p).editMetadata()
        .addToAnnotations(Cluster.EXIT_CODE_ANNOTATION, "1").endMetadata().build());
    Pod failed = client.pods().inNamespace(NS).withName("needs-gpu")
        .waitUntilCondition(p -> "Failed".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
    assertThat(failed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(1);

    client.resource(pod("too-many-gpus", "3")).create();
    Pod pending = client.pods().inNamespace(NS).withName("too-many-gpus").waitUntilCondition(p -> p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream().anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())),
        60, TimeUnit.SECONDS);
    assertThat(pending.getSpec().getNodeName()).isNull();
  }

  @Test
  void garbageCollectorDeletesWhatAnOwnerOwned() {
    ConfigMap owner = client.resource(new ConfigMapBuilder().withNewMetadata().withName("owner").withNamespace(NS).endMetadata()
        .build()).create();
    Pod owned = pod("owned", null);
    owned.getMetadata().setOwnerReferences(java.util.List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
        .withApiVersion("v1").withKind("ConfigMap").withName("owner").withUid(owner.getMetadata().getUid()).build()));
    client.resource(owned).create();
    client.pods().inNamespace(NS).withName("owned").waitUntilCondition(p -> p != null && "Running".equals(p.getStatus().getPhase()),
        60, TimeUnit.SECONDS);

    client.resource(owner).delete();
    client.pods().inNamespace(NS).withName("owned").waitUntilCondition(p -> p == null, 90, TimeUnit.SECONDS);
    assertThat(client.pods().inNamespace(NS).withName("owned").get()).isNull();
  }
}
