package dev.hetero.training.operator.kueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.Fixtures;
import dev.hetero.training.operator.model.NodeInventoryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QueuedPlanTest {
  static final CapacityPlanner PLANNER = new CapacityPlanner(PlannerConfig.defaults());
  static final HeteroTrainingJobSpec SPEC = SpecDefaults.apply(JobYaml.named("j").globalBatch(256)
      .pool("{name: gpu, deviceClass: gpu, replicas: 1}").pool("{name: cpu, deviceClass: cpu, replicas: 2}").job().getSpec());
  static final List<PlannedWorker> ROSTER = QueuedPlan.roster("j", SPEC);
  static final Function<String, NodeInfo> NODES = byName(NodeInventoryBuilder.build(List.of(
      Fixtures.gpuNode("gpu-a", "Tesla-V100-SXM2-16GB"), Fixtures.cpuNode("cpu-a", "4"), Fixtures.cpuNode("cpu-b", "4")),
      List.of(), "uid", Set.of()));

  static Function<String, NodeInfo> byName(List<NodeInfo> nodes) {
    Map<String, NodeInfo> m = nodes.stream().collect(Collectors.toMap(NodeInfo::name, n -> n));
    return m::get;
  }

  static Pod pod(String name, String node) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node).endSpec()
        .withNewStatus().withPhase(node == null ? "Pending" : "Running").endStatus().build();
  }

  static Map<String, Pod> bound(String gpuNode, String cpu0, String cpu1) {
    Map<String, Pod> pods = new HashMap<>();
    pods.put("j-gpu-0", pod("j-gpu-0", gpuNode));
    pods.put("j-cpu-0", pod("j-cpu-0", cpu0));
    pods.put("j-cpu-1", pod("j-cpu-1", cpu1));
    return pods;
  }

  static QueuedPlan.Decision decide(List<PlannedWorker> previous, boolean specChanged, boolean admitted, Map<String, Pod> pods) {
    return QueuedPlan.decide("j", SPEC, ROSTER, previous, specChanged, admitted, pods, NODES, PLANNER);
  }

  @Test
  void theRosterHasThePlannersNamesAndRanksAndNoWork() {
    assertThat(ROSTER).extracting(PlannedWorker::worker).containsExactly("j-gpu-0", "j-cpu-0", "j-cpu-1");
    assertThat(ROSTER).extracting(PlannedWorker::rank).containsExactly(0, 1, 2);
    assertThat(ROSTER).allSatisfy(w -> {
      assertThat(w.node()).isNull();
      assertThat(w.batchSize()).isNull();
    });
  }

  @Test
  void onlyAFixedSizeJobWithAShortNameAndASplittableBatchCanBeQueued() {
    assertThat(QueuedPlan.problems("j", SPEC)).isEmpty();
    var auto = SpecDefaults.apply(JobYaml.named("j").pool("{name: cpu, deviceClass: cpu, minReplicas: 1, maxReplicas: 4}")
        .job().getSpec());
    assertThat(QueuedPlan.problems("j", auto)).singleElement().asString().contains("spec.pools[cpu].replicas: required");
    assertThat(QueuedPlan.problems("x".repeat(64), SPEC)).singleElement().asString().contains("metadata.name");
    var tooSmall = SpecDefaults.apply(JobYaml.named("j").globalBatch(2).pool("{name: cpu, deviceClass: cpu, replicas: 4}")
        .job().getSpec());
    assertThat(QueuedPlan.problems("j", tooSmall)).singleElement().asString().contains("cannot be split among 4 workers");
  }

  @Test
  void beforeAdmissionOrBindingThereIsOnlyTheRosterAndNoPlanFile() {
    QueuedPlan.Decision waiting = decide(List.of(), false, false, bound("gpu-a", "cpu-a", "cpu-b"));
    assertThat(waiting.kind()).isEqualTo(QueuedPlan.Kind.ROSTER);
    assertThat(waiting.published()).isFalse();
    QueuedPlan.Decision unbound = decide(ROSTER, false, true, bound("gpu-a", "cpu-a", null));
    assertThat(unbound.kind()).isEqualTo(QueuedPlan.Kind.ROSTER);
    assertThat(unbound.workers()).isEqualTo(ROSTER);
  }

  @Test
  void onceEveryPodIsBoundTheBatchesComeFromTheNodesThePodsLandedOn() {
    QueuedPlan.Decision sized = decide(ROSTER, false, true, bound("gpu-a", "cpu-a", "cpu-b"));
    assertThat(sized.kind()).isEqualTo(QueuedPlan.Kind.SIZED);
    assertThat(sized.published()).isTrue();
    assertThat(sized.workers()).extracting(PlannedWorker::node).containsExactly("gpu-a", "cpu-a", "cpu-b");
    assertThat(sized.workers()).extracting(PlannedWorker::rank).containsExactly(0, 1, 2);
    assertThat(sized.workers().stream().mapToInt(PlannedWorker::batchSize).sum()).isEqualTo(256);
    // The V100 worker (capacity 32) gets far more of the global batch than a CPU worker.
    assertThat(sized.workers().get(0).batchSize()).isGreaterThan(sized.workers().get(1).batchSize() * 10);

    // Same nodes again: the plan stands (no new plan version).
    assertThat(decide(sized.workers(), false, true, bound("gpu-a", "cpu-a", "cpu-b")).kind()).isEqualTo(QueuedPlan.Kind.KEPT);
    // A replacement pod not bound yet: the sized plan stands until it is.
    assertThat(decide(sized.workers(), false, true, bound("gpu-a", "cpu-a", null))).satisfies(d -> {
      assertThat(d.kind()).isEqualTo(QueuedPlan.Kind.KEPT);
      assertThat(d.workers()).isEqualTo(sized.workers());
    });
    // It landed elsewhere: sized again from the new node.
    QueuedPlan.Decision moved = decide(sized.workers(), false, true, bound("gpu-a", "cpu-a", "cpu-a"));
    assertThat(moved.kind()).isEqualTo(QueuedPlan.Kind.SIZED);
    assertThat(moved.workers()).extracting(PlannedWorker::node).containsExactly("gpu-a", "cpu-a", "cpu-a");
    // A new spec generation is sized afresh even on the same nodes.
    assertThat(decide(sized.workers(), true, true, bound("gpu-a", "cpu-a", "cpu-b")).kind()).isEqualTo(QueuedPlan.Kind.SIZED);
    // Taken back by Kueue: the roster again, the plan file withheld.
    assertThat(decide(sized.workers(), false, false, bound("gpu-a", "cpu-a", "cpu-b")).kind()).isEqualTo(QueuedPlan.Kind.ROSTER);
  }
}
