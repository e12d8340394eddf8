package dev.hetero.training.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  private static Scenario scenario(Level level, Method method) {
    return new Scenario(level, method, 1, 2, 64, 0.05, Path.of("/usr/share/datasets/fashion-mnist"));
  }

  @Test
  void eightXPlansTheProtocolsLocalSteps() {
    var plan = scenario(Level.X8, Method.BIASED).plan();
    assertThat(plan.workers()).extracting(PlannedWorker::localSteps).containsExactly(8, 8, 1, 1);
    assertThat(plan.workers()).extracting(PlannedWorker::role)
        .containsExactly(WorkerRole.FAST, WorkerRole.FAST, WorkerRole.SLOW, WorkerRole.SLOW);
    assertThat(plan.workers()).extracting(PlannedWorker::weight).containsOnly(0.25);
    assertThat(plan.spec().sampling().biased()).isTrue();
  }

  @Test
  void thirtyTwoXHasFourFastAndTwoSlowWorkers() {
    var plan = scenario(Level.X32, Method.LOCAL_SGD).plan();
    assertThat(plan.workers()).extracting(PlannedWorker::localSteps).containsExactly(32, 32, 32, 32, 1, 1);
    // work-proportional weights: 64 x 32 against 64 x 1
    assertThat(plan.workers().get(0).weight()).isGreaterThan(30 * plan.workers().get(5).weight());
    assertThat(plan.spec().sampling().biased()).isFalse();
  }

  @Test
  void baselinesUseSynchronousStepsAndFastOnlyDropsTheSlowWorkers() {
    assertThat(scenario(Level.X8, Method.SYNC_ALL).plan().workers()).hasSize(4).extracting(PlannedWorker::localSteps).containsOnly(1);
    assertThat(scenario(Level.X32, Method.SYNC_FAST).plan().workers()).hasSize(4).extracting(PlannedWorker::pool).containsOnly("fast");
  }

  @Test
  void computeOnlySpeedupIsSumOfStepsOverWorkers() {
    assertThat(Level.X8.computeOnlySpeedup()).isEqualTo((2 * 8 + 2) / 4.0);
    assertThat(Level.X32.computeOnlySpeedup()).isEqualTo((4 * 32 + 2) / 6.0);
  }
}
