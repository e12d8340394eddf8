package dev.hetero.training.api.planner;

import static dev.hetero.training.api.Fixtures.autoPool;
import static dev.hetero.training.api.Fixtures.global;
import static dev.hetero.training.api.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LargeInventoryTest {

  @Test
  void tenThousandNodesPlanTwoThousandWorkersCorrectly() {
    List<NodeInfo> nodes = SyntheticCluster.nodes(10_000, 11);
    var spec = spec(global(2000 * 64), List.of(autoPool("gpu", DeviceClass.GPU, 1, 1000), autoPool("cpu", DeviceClass.CPU, 1, 1000)));

    PlanResult result = new CapacityPlanner(PlannerConfig.defaults()).plan("big", spec, nodes);

    assertThat(result).isInstanceOf(PlanResult.Placed.class);
    List<PlannedWorker> workers = ((PlanResult.Placed) result).workers();
    assertThat(workers).hasSize(2000);
    assertThat(workers.stream().mapToLong(PlannedWorker::batchSize).sum()).isEqualTo(2000L * 64);
    assertThat(workers).allSatisfy(w -> assertThat(w.batchSize()).isBetween(8, 1024));
    Set<String> names = new HashSet<>();
    workers.forEach(w -> assertThat(names.add(w.worker())).isTrue());
    // No node is over-committed: GPUs per node never exceed what SyntheticCluster gave it.
    var gpusUsed = new java.util.HashMap<String, Integer>();
    workers.stream().filter(w -> w.deviceClass() == DeviceClass.GPU).forEach(w -> gpusUsed.merge(w.node(), 1, Integer::sum));
    nodes.forEach(n -> assertThat(gpusUsed.getOrDefault(n.name(), 0)).isLessThanOrEqualTo((int) n.allocatable().gpus()));
    // Fastest-first: the GPU pool took the best GPUs there are (H100s carry capacity 160).
    assertThat(workers.get(0).capacity()).isEqualTo(160.0);
    assertThat(result.reasons().size()).isLessThanOrEqualTo(CapacityPlanner.MAX_REASONS + 1);
  }
}
