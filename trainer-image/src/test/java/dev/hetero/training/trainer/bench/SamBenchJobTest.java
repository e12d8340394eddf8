package dev.hetero.training.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SAM bench's jobs are ordinary HeteroTrainingJobs, planned by the operator's planner. */
class SamBenchJobTest {
  private final SamBenchOptions options = SamBenchOptions.defaults();

  @Test
  void asyncSamPairsTheWorkerWithAHelperFourTimesSlower() {
    List<PlannedWorker> plan = new SamBenchJob("asyncSAM", 2, options).plan().workers();
    assertThat(plan).extracting(PlannedWorker::role).containsExactly(WorkerRole.FAST, WorkerRole.HELPER);
    PlannedWorker fast = plan.get(0);
    PlannedWorker helper = plan.get(1);
    assertThat(fast.optimizer()).isEqualTo(OptimizerMethod.ASYNC_SAM);
    assertThat(fast.localSteps()).isEqualTo(25);
    assertThat(helper.slowdown()).isEqualTo(4.0);
    assertThat(helper.batchSize()).as("b_p starts at 64 x 1/4").isEqualTo(16);
    assertThat(helper.perturbationBatchAuto()).isTrue();
  }

  @Test
  void sgdAndSamTrainOneWorkerWithTheSameBudgetAndSeed() {
    var sgd = new SamBenchJob("sgd", 3, options).plan();
    var sam = new SamBenchJob("sam", 3, options).plan();
    assertThat(sgd.workers()).singleElement().extracting(PlannedWorker::optimizer).isEqualTo(OptimizerMethod.SGD);
    assertThat(sam.workers()).singleElement().extracting(PlannedWorker::optimizer).isEqualTo(OptimizerMethod.SAM);
    assertThat(sam.spec().training().epochs()).isEqualTo(sgd.spec().training().epochs());
    assertThat(sam.spec().training().seed()).isEqualTo(3L);
    assertThat(sam.spec().training().optimizer().rho()).isEqualTo(0.05);
  }
}
