package dev.hetero.training.api.planner;

import static dev.hetero.training.api.Fixtures.cpuNode;
import static dev.hetero.training.api.Fixtures.gpuNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.api.validation.SpecDefaults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan says which helper computes the perturbations of which worker, and with how many samples. */
class AscentPairingTest {
  private final CapacityPlanner planner = new CapacityPlanner(PlannerConfig.defaults());
  private final List<NodeInfo> nodes = List.of(gpuNode("g", 2, 8, "Tesla-V100"), cpuNode("c", 8, Map.of()));

  private List<PlannedWorker> plan(String optimizer, int gpus, int cpus, int helpers) {
    JobYaml job = JobYaml.named("j").algorithm("biasedLocalSGD").perWorkerBatch(64).training("optimizer", optimizer)
        .pool("{name: gpu, deviceClass: gpu, replicas: " + gpus + "}");
    if (cpus > 0) {
      job.cpuPool("cpu", cpus);
    }
    if (helpers > 0) {
      job.cpuPool("helpers", helpers);
    }
    PlanResult result = planner.plan("j", SpecDefaults.apply(job.job().getSpec()), nodes);
    return ((PlanResult.Placed) result).workers();
  }

  @Test
  void helpersGoToTheFastestWorkersAndAreRankedAfterEveryTrainingWorker() {
    List<PlannedWorker> w = plan("{method: asyncSAM, asyncSAM: {helperPool: helpers}}", 2, 2, 2);

    assertThat(w).extracting(PlannedWorker::rank).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(w).extracting(PlannedWorker::role)
        .containsExactly(WorkerRole.FAST, WorkerRole.FAST, WorkerRole.SLOW, WorkerRole.SLOW, WorkerRole.HELPER, WorkerRole.HELPER);
    assertThat(w).extracting(PlannedWorker::optimizer)
        .containsExactly(OptimizerMethod.ASYNC_SAM, OptimizerMethod.ASYNC_SAM, OptimizerMethod.SGD, OptimizerMethod.SGD, null, null);
    assertThat(w.get(0).ascentHelper()).isEqualTo("j-helpers-0");
    assertThat(w.get(1).ascentHelper()).isEqualTo("j-helpers-1");
    assertThat(w.get(4).ascentFor()).isEqualTo("j-gpu-0");
    assertThat(w.get(5).ascentFor()).isEqualTo("j-gpu-1");
  }

  @Test
  void helpersTakeNoPartInTheRoundsAndTheTrainingWorkersAreSizedWithoutThem() {
    List<PlannedWorker> with = plan("{method: asyncSAM, asyncSAM: {helperPool: helpers}}", 2, 2, 2);
    List<PlannedWorker> without = plan("{method: sgd}", 2, 2, 0);

    assertThat(with.subList(0, 4)).extracting(PlannedWorker::batchSize, PlannedWorker::localSteps, PlannedWorker::weight)
        .containsExactlyElementsOf(without.stream().map(x -> org.assertj.core.groups.Tuple.tuple(x.batchSize(), x.localSteps(),
            x.weight())).toList());
    assertThat(with.subList(4, 6)).allSatisfy(h -> {
      assertThat(h.localSteps()).isZero();
      assertThat(h.weight()).isZero();
      assertThat(h.samplesPerRound()).isZero();
    });
  }

  @Test
  void autoStartsFromTheCapacityRatioAndSaysItIsMeasuredAtRunTime() {
    List<PlannedWorker> w = plan("{method: asyncSAM, asyncSAM: {helperPool: helpers}}", 1, 0, 1);
    PlannedWorker helper = w.get(1);
    // one CPU core (capacity 1) against a V100 (32): 64 x 1/32 = 2 samples in one of the GPU's steps
    assertThat(helper.batchSize()).isEqualTo(2);
    assertThat(helper.perturbationBatchAuto()).isTrue();

    PlannedWorker fixed = plan("{method: asyncSAM, asyncSAM: {helperPool: helpers, perturbationBatch: 24}}", 1, 0, 1).get(1);
    assertThat(fixed.batchSize()).isEqualTo(24);
    assertThat(fixed.perturbationBatchAuto()).isNull();
  }

  @Test
  void startingBatchStaysBetweenOneAndTheDescentBatch() {
    PlannedWorker partner = new PlannedWorker("w", 0, "n", "p", null, 10.0, 64, 1, 1.0, WorkerRole.FAST, null, null);
    PlannedWorker slowHelper = new PlannedWorker("h", 1, "n", "h", null, 0.01, null, null, null, WorkerRole.HELPER, null, null);
    PlannedWorker fastHelper = new PlannedWorker("h", 1, "n", "h", null, 40.0, null, null, null, WorkerRole.HELPER, null, null);
    assertThat(AscentPairing.startingBatch(partner, slowHelper)).isEqualTo(1);
    assertThat(AscentPairing.startingBatch(partner, fastHelper)).isEqualTo(64);
  }

  @Test
  void unpairedWorkersRunSgdAndSpareHelpersIdleBothWithAReason() {
    var spec = SpecDefaults.apply(JobYaml.named("j").perWorkerBatch(64)
        .training("optimizer", "{method: asyncSAM, asyncSAM: {helperPool: helpers}}")
        .pool("{name: gpu, deviceClass: gpu, replicas: 2}").cpuPool("helpers", 1).job().getSpec());
    PlanResult.Placed placed = (PlanResult.Placed) planner.plan("j", spec, nodes);
    assertThat(placed.workers()).extracting(PlannedWorker::optimizer)
        .containsExactly(OptimizerMethod.ASYNC_SAM, OptimizerMethod.SGD, null);
    assertThat(placed.reasons()).anyMatch(r -> r.contains("j-gpu-1 has no ascent helper"));

    List<PlannedWorker> spare = plan("{method: asyncSAM, asyncSAM: {helperPool: helpers}}", 1, 0, 2);
    assertThat(spare.get(2).ascentFor()).isNull();
    assertThat(spare.get(2).role()).isEqualTo(WorkerRole.HELPER);
  }

  @Test
  void samRunsOnEveryWorkerAndSgdIsWrittenOutToo() {
    assertThat(plan("{method: sam}", 2, 2, 1)).extracting(PlannedWorker::optimizer).containsOnly(OptimizerMethod.SAM);
    assertThat(plan("{}", 1, 1, 1)).extracting(PlannedWorker::optimizer).containsOnly(OptimizerMethod.SGD);
  }
}
