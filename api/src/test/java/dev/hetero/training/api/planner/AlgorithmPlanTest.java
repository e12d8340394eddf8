package dev.hetero.training.api.planner;

import static dev.hetero.training.api.Fixtures.cpuNode;
import static dev.hetero.training.api.Fixtures.cpuPool;
import static dev.hetero.training.api.Fixtures.gpuNode;
import static dev.hetero.training.api.Fixtures.gpuPool;
import static dev.hetero.training.api.Fixtures.perWorker;
import static dev.hetero.training.api.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.SampleSelection;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan carries each algorithm's rule itself: the steps, weights and sampling the trainer applies as they are. */
class AlgorithmPlanTest {
  private final CapacityPlanner planner = new CapacityPlanner(PlannerConfig.defaults());
  private final List<NodeInfo> nodes = List.of(gpuNode("g", 1, 4, "Tesla-V100"), cpuNode("c", 2, Map.of()));
  private static final AggregationSpec WORK = new AggregationSpec(AggregationPolicy.WORK_PROPORTIONAL, null, null, true);

  private List<PlannedWorker> plan(Algorithm algorithm, AggregationSpec aggregation) {
    var result = planner.plan("j", spec(algorithm, perWorker(32), null, aggregation, List.of(gpuPool("gpu", 1), cpuPool("cpu", 2))), nodes);
    return ((PlanResult.Placed) result).workers();
  }

  @Test
  void syncSgdRunsOneStepAndAveragesByBatchWhateverTheAggregationSays() {
    List<PlannedWorker> w = plan(Algorithm.SYNC_SGD, new AggregationSpec(AggregationPolicy.UNIFORM, null, null, true));
    assertThat(w).extracting(PlannedWorker::localSteps).containsOnly(1);
    // equal batches: batch-proportional weights are equal too
    assertThat(w).extracting(PlannedWorker::weight).containsOnly(round6(1.0 / 3));
    assertThat(w).extracting(PlannedWorker::sampling).containsOnly(SampleSelection.UNIFORM);
  }

  @Test
  void localSgdAveragesUniformlyEvenWhenTheSpecAsksForWorkProportionalWeights() {
    List<PlannedWorker> w = plan(Algorithm.LOCAL_SGD, WORK);
    assertThat(w.get(0).localSteps()).isEqualTo(32);
    assertThat(w).extracting(PlannedWorker::weight).containsOnly(round6(1.0 / 3));
    assertThat(w).extracting(PlannedWorker::sampling).containsOnly(SampleSelection.UNIFORM);
  }

  @Test
  void biasedLocalSgdAppliesTheJobsAggregationAndGivesTheSlowWorkersHighLossSamples() {
    List<PlannedWorker> w = plan(Algorithm.BIASED_LOCAL_SGD, WORK);
    long total = w.stream().mapToLong(PlannedWorker::samplesPerRound).sum();
    for (PlannedWorker worker : w) {
      assertThat(worker.weight()).isEqualTo(round6(worker.samplesPerRound() / (double) total));
      assertThat(worker.sampling()).isEqualTo(worker.role() == WorkerRole.SLOW ? SampleSelection.HIGH_LOSS : SampleSelection.UNIFORM);
    }
    assertThat(w).extracting(PlannedWorker::role).containsExactly(WorkerRole.FAST, WorkerRole.SLOW, WorkerRole.SLOW);
  }

  @Test
  void simulatedSlowdownIsCopiedOnlyWhenNotOne() {
    List<PlannedWorker> w = plan(Algorithm.BIASED_LOCAL_SGD, null);
    assertThat(w).extracting(PlannedWorker::simulatedSlowdown).containsOnlyNulls();
    assertThat(w).extracting(PlannedWorker::slowdown).containsOnly(1.0);
  }

  private static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
