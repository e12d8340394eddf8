package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.operator.Fixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanStabilizerTest {
  static PlannedWorker w(String name, int rank, String node, int batch, double weight) {
    return Fixtures.worker(name, rank, node, "cpu", DeviceClass.CPU).withPlacement(node, 2.0).withWork(batch, 1, weight);
  }

  @Test
  void survivorsKeepNameRankAndNodeAndOnlyLostWorkersMove() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.25), w("j-cpu-1", 1, "b", 32, 0.25),
        w("j-cpu-2", 2, "b", 32, 0.25), w("j-cpu-3", 3, "c", 32, 0.25));
    // The planner numbers the fresh plan its own way: node b is gone, d is new.
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "a", 40, 0.3), w("j-cpu-1", 1, "c", 30, 0.2),
        w("j-cpu-2", 2, "d", 30, 0.25), w("j-cpu-3", 3, "d", 30, 0.25));

    List<PlannedWorker> stable = PlanStabilizer.stabilize(before, Set.of("b"), fresh).orElseThrow();

    assertThat(stable).extracting(x -> x.worker() + "@" + x.node() + "#" + x.rank())
        .containsExactly("j-cpu-0@a#0", "j-cpu-1@d#1", "j-cpu-2@d#2", "j-cpu-3@c#3");
    assertThat(stable.get(0).batchSize()).as("batch re-derived").isEqualTo(40);
    assertThat(stable.stream().mapToDouble(PlannedWorker::weight).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void givesUpWhenASurvivorIsNotInTheFreshPlan() {
    List<PlannedWorker> before = List.of(w("j-cpu-0", 0, "a", 32, 0.5), w("j-cpu-1", 1, "b", 32, 0.5));
    List<PlannedWorker> fresh = List.of(w("j-cpu-0", 0, "c", 32, 0.5), w("j-cpu-1", 1, "d", 32, 0.5));
    assertThat(PlanStabilizer.stabilize(before, Set.of("b"), fresh)).isEmpty();
  }
}
