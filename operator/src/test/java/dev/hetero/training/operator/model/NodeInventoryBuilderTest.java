package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.NodeResources;
import dev.hetero.training.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeInventoryBuilderTest {

  static Pod pod(String name, String node, String cpu, String memory, String gpus, String ownerUid, String phase) {
    var requests = new java.util.LinkedHashMap<String, Quantity>();
    requests.put("cpu", new Quantity(cpu));
    requests.put("memory", new Quantity(memory));
    if (gpus != null) {
      requests.put("nvidia.com/gpu", new Quantity(gpus));
    }
    var b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(name + "-uid").endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("c").withNewResources().withRequests(requests)
        .endResources().endContainer().endSpec().withNewStatus().withPhase(phase).endStatus();
    if (ownerUid != null) {
      b.editMetadata().addNewOwnerReference().withUid(ownerUid).withKind("HeteroTrainingJob").withName("j")
          .withApiVersion("training.hetero.dev/v1alpha1").endOwnerReference().endMetadata();
    }
    return b.build();
  }

  @Test
  void subtractsOtherPodsButNotTheJobsOwnNorFinishedOnes() {
    Node gpu = Fixtures.gpuNode("g1", "A100");
    Node cpu = Fixtures.cpuNode("c1", "4");
    List<Pod> pods = List.of(
        pod("other", "g1", "2", "4Gi", "1", null, "Running"),
        pod("mine", "c1", "2", "1Gi", null, "job-uid", "Running"),
        pod("done", "c1", "3", "1Gi", null, null, "Succeeded"));

    List<NodeInfo> inventory = NodeInventoryBuilder.build(List.of(gpu, cpu), pods, "job-uid", Set.of());

    NodeInfo g1 = inventory.stream().filter(n -> n.name().equals("g1")).findFirst().orElseThrow();
    assertThat(g1.allocatable()).isEqualTo(new NodeResources(8000, 32L << 30, 1));
    assertThat(g1.requested()).isEqualTo(new NodeResources(2000, 4L << 30, 1));
    assertThat(g1.free().gpus()).isZero();
    assertThat(g1.labels()).containsEntry("nvidia.com/gpu.product", "A100");
    NodeInfo c1 = inventory.stream().filter(n -> n.name().equals("c1")).findFirst().orElseThrow();
    assertThat(c1.requested()).isEqualTo(NodeResources.NONE);
    assertThat(c1.schedulable()).isTrue();
  }

  @Test
  void countsUnboundPodsPinnedByAffinityAndSkipsExcludedNodes() {
    Pod pinned = new PodBuilder(pod("pinned", null, "1", "1Gi", null, null, "Pending")).editSpec().withNewAffinity()
        .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
        .addNewMatchField().withKey("metadata.name").withOperator("In").withValues("c1").endMatchField()
        .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
        .endSpec().build();
    List<NodeInfo> inventory = NodeInventoryBuilder.build(
        List.of(Fixtures.cpuNode("c1", "4"), Fixtures.cpuNode("c2", "4")), List.of(pinned), null, Set.of("c2"));
    assertThat(inventory).extracting(NodeInfo::name).containsExactly("c1");
    assertThat(inventory.get(0).requested().cpuMillis()).isEqualTo(1000);
  }

  @Test
  void cordonedNotReadyAndTaintedNodesAreReported() {
    Node cordoned = Fixtures.cpuNode("c1", "4");
    cordoned.getSpec().setUnschedulable(true);
    cordoned.getSpec().setTaints(List.of(new TaintBuilder().withKey("dedicated").withValue("ml").withEffect("NoSchedule")
        .build()));
    Node notReady = Fixtures.cpuNode("c2", "4");
    notReady.getStatus().getConditions().get(0).setStatus("False");
    List<NodeInfo> inventory = NodeInventoryBuilder.build(List.of(cordoned, notReady), List.of(), null, Set.of());
    assertThat(inventory).allMatch(n -> !n.schedulable());
    assertThat(inventory.get(0).taints()).singleElement().satisfies(t -> assertThat(t.key()).isEqualTo("dedicated"));
  }

  @Test
  void nodeHealthLosesGoneNodesAndNotReadyOnesOnlyAfterTheGrace() {
    Instant now = Instant.parse("2026-01-01T01:00:00Z");
    Node recent = Fixtures.cpuNode("recent", "4");
    recent.getStatus().getConditions().get(0).setStatus("False");
    recent.getStatus().getConditions().get(0).setLastTransitionTime(now.minusSeconds(30).toString());
    Node old = Fixtures.cpuNode("old", "4");
    old.getStatus().getConditions().get(0).setStatus("Unknown");
    old.getStatus().getConditions().get(0).setLastTransitionTime(now.minusSeconds(300).toString());
    Node fine = Fixtures.cpuNode("fine", "4");

    var verdict = NodeHealth.lostNodes(List.of("recent", "old", "fine", "deleted"), List.of(recent, old, fine), now,
        Duration.ofMinutes(2));
    assertThat(verdict.lost()).containsExactlyInAnyOrder("old", "deleted");
    assertThat(verdict.recheckAt()).contains(now.plusSeconds(90));
  }

  @Test
  void podResourcesReadGpuLimitsWithoutRequests() {
    Pod p = new PodBuilder().withNewSpec().addNewContainer().withNewResources()
        .withLimits(Map.of("nvidia.com/gpu", new Quantity("2"))).endResources().endContainer().endSpec().build();
    assertThat(PodResources.requests(p).gpus()).isEqualTo(2);
  }
}
