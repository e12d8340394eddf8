package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.runner.LocalInventory;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlgorithmPolicyTest {

  static List<PlannedWorker> plan(HeteroTrainingJobSpec spec) {
    // 4 workers on a 2-core machine: the synthetic node grows to what the job asks for.
    var node = LocalInventory.node(spec, 2, 8L << 30, 0);
    assertThat(node.allocatable().cpuMillis()).isEqualTo(4000);
    return ((PlanResult.Placed) new CapacityPlanner(PlannerConfig.defaults()).plan("t", spec, List.of(node))).workers();
  }

  @Test
  void biasedLocalSgdGivesTopKSamplingToTheSlowWorkersAndKeepsThePlansSteps() {
    HeteroTrainingJobSpec spec = AlgorithmPolicyFixtures.spec("biasedLocalSGD", "uniform");
    List<WorkerSettings> w = AlgorithmPolicy.workers(spec, plan(spec));
    assertThat(w).extracting(WorkerSettings::localSteps).containsExactly(8, 8, 1, 1);
    assertThat(w).extracting(WorkerSettings::biased).containsExactly(false, false, true, true);
    assertThat(w).extracting(WorkerSettings::slowdown).containsExactly(1.0, 1.0, 8.0, 8.0);
  }

  @Test
  void syncSgdRunsOneStepPerRoundAndLocalSgdSamplesUniformly() {
    HeteroTrainingJobSpec sync = AlgorithmPolicyFixtures.spec("syncSGD", "uniform");
    assertThat(AlgorithmPolicy.workers(sync, plan(sync))).extracting(WorkerSettings::localSteps).containsOnly(1);
    HeteroTrainingJobSpec local = AlgorithmPolicyFixtures.spec("localSGD", "uniform");
    assertThat(AlgorithmPolicy.workers(local, plan(local))).extracting(WorkerSettings::biased).containsOnly(false);
  }
}
