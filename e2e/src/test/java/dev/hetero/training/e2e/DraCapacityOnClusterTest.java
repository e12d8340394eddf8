package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GPUs published through DRA on the real API server: hand-written ResourceSlices of NVIDIA's shape
 * on kwok nodes that advertise no nvidia.com/gpu and carry no product label, the operator planning a
 * claim pool from them, and the real claim controller and scheduler allocating each worker's claim.
 */
class DraCapacityOnClusterTest extends OperatorOnClusterSupport {
  private static final String NS = "e2e-dra";
  private static final String SUITE = "dra";

  @BeforeAll
  static void startIt() {
    startOperator("dra-capacity", Map.of());
    assertThat(client.supports("resource.k8s.io/v1", "ResourceSlice")).as("the API server serves resource.k8s.io/v1").isTrue();
    Dra.installDeviceClass(client);
  }

  @Test
  void aClaimPoolIsPlannedFromTheSlicesProductAndItsClaimsAreAllocatedOnThePlannedNode() {
    Jobs.namespace(client, NS);
    Cluster.createNode(client, "dra-gpu", 8, "64Gi", 0, Jobs.suite(SUITE));
    Cluster.createNode(client, "dra-cpu", 2, "16Gi", 0, Jobs.suite(SUITE));
    client.resource(Dra.slice("dra-gpu", 1, 1, "NVIDIA A100-SXM4-40GB", 2)).serverSideApply();
    client.resource(Jobs.job("dra", NS).pool(Jobs.pool("gpu", "gpu", 2, SUITE, "deviceClaim: {}"))
        .pool(Jobs.pool("cpu", "cpu", 1, SUITE, "")).job()).create();

    List<Pod> pods = Jobs.awaitRunningPods(client, NS, "dra", 3, 120);
    HeteroTrainingJob job = Jobs.await(client, NS, "dra", j -> j.getStatus() != null && j.getStatus().plan() != null
        && j.getStatus().plan().size() == 3 && Jobs.phase(j, "Running"), 60);
    List<PlannedWorker> gpuWorkers = job.getStatus().plan().stream().filter(w -> w.pool().equals("gpu")).toList();
    PlannedWorker cpuWorker = job.getStatus().plan().stream().filter(w -> w.pool().equals("cpu")).findFirst().orElseThrow();
    assertThat(gpuWorkers).extracting(PlannedWorker::node).containsOnly("dra-gpu");
    // No label and no nvidia.com/gpu: the A100 capacity (96 cores' worth in the table) can only come from the slice.
    assertThat(gpuWorkers).allSatisfy(w -> assertThat(w.capacity() / cpuWorker.capacity()).isEqualTo(96.0));

    ResourceClaimTemplate template = client.resources(ResourceClaimTemplate.class).inNamespace(NS).withName("dra-gpu-gpus").get();
    assertThat(template).isNotNull();
    assertThat(template.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("dra"));
    for (Pod pod : pods.stream().filter(p -> p.getMetadata().getName().startsWith("dra-gpu-")).toList()) {
      assertThat(pod.getSpec().getNodeName()).isEqualTo("dra-gpu");
      assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
      assertThat(pod.getSpec().getResourceClaims()).singleElement()
          .satisfies(c -> assertThat(c.getResourceClaimTemplateName()).isEqualTo("dra-gpu-gpus"));
    }
    // The claim controller made one claim per GPU pod; the scheduler allocated them one device each, both on dra-gpu.
    List<ResourceClaim> claims = Jobs.until("both claims allocated", 60,
        () -> client.resources(ResourceClaim.class).inNamespace(NS).list().getItems(),
        l -> l.size() == 2 && l.stream().allMatch(c -> c.getStatus() != null && c.getStatus().getAllocation() != null),
        l -> l.size() + " claims, allocated: " + l.stream().filter(c -> c.getStatus() != null && c.getStatus().getAllocation() != null).count());
    assertThat(claims).flatExtracting(c -> c.getStatus().getAllocation().getDevices().getResults())
        .extracting(r -> r.getPool() + "/" + r.getDevice()).containsExactlyInAnyOrder("dra-gpu/gpu-0", "dra-gpu/gpu-1");

    client.resources(HeteroTrainingJob.class).inNamespace(NS).withName("dra").delete();
    Jobs.until("the job's claims and template collected", 60,
        () -> client.resources(ResourceClaim.class).inNamespace(NS).list().getItems().size()
            + client.resources(ResourceClaimTemplate.class).inNamespace(NS).list().getItems().size(),
        n -> n == 0, n -> n + " left");
  }

  @Test
  void aPoolBeingRepublishedIsNotCountedAndTheJobSaysWhy() {
    Jobs.namespace(client, NS + "-half");
    Cluster.createNode(client, "dra-half", 8, "64Gi", 0, Jobs.suite(SUITE + "-half"));
    // Generation 2 announces two slices; only one is published so far.
    client.resource(Dra.slice("dra-half", 2, 2, "NVIDIA A100-SXM4-40GB", 1)).serverSideApply();
    client.resource(Jobs.job("half", NS + "-half").pool(Jobs.pool("gpu", "gpu", 1, SUITE + "-half", "deviceClaim: {}")).job())
        .create();
    HeteroTrainingJob job = Jobs.await(client, NS + "-half", "half", j -> Jobs.phase(j, "Unschedulable"), 60);
    assertThat(Jobs.condition(job, "Unschedulable").orElseThrow().message())
        .contains("GPU claimed through DRA", "pool dra-half: 1 of 2 slices of generation 2 seen");
    client.resources(HeteroTrainingJob.class).inNamespace(NS + "-half").withName("half").delete();
  }
}
