package dev.hetero.training.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import java.nio.file.Path;
import java.util.Collections;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  private static Scenario scenario(Level level, Method method) {
    return new Scenario(level, method, 1, 2, 64, 0.05, Path.of("/usr/share/datasets/fashion-mnist"));
  }

  @Test
  void eightXPlansTheProtocolsLocalSteps() {
    var plan = scenario(Level.X8_2F2S, Method.BIASED).plan();
    assertThat(plan.workers()).extracting(PlannedWorker::localSteps).containsExactly(8, 8, 1, 1);
    assertThat(plan.workers()).extracting(PlannedWorker::role)
        .containsExactly(WorkerRole.FAST, WorkerRole.FAST, WorkerRole.SLOW, WorkerRole.SLOW);
    assertThat(plan.workers()).extracting(PlannedWorker::weight).containsOnly(0.25);
    assertThat(plan.spec().sampling().biased()).isTrue();
  }

  @Test
  void thirtyTwoXHasFourFastAndTwoSlowWorkers() {
    var plan = scenario(Level.X32_4F2S, Method.LOCAL_SGD).plan();
    assertThat(plan.workers()).extracting(PlannedWorker::localSteps).containsExactly(32, 32, 32, 32, 1, 1);
    // work-proportional weights: 64 x 32 against 64 x 1
    assertThat(plan.workers().get(0).weight()).isGreaterThan(30 * plan.workers().get(5).weight());
    assertThat(plan.spec().sampling().biased()).isFalse();
  }

  @Test
  void fourXHasTwoFastAndSixSlowWorkersAtFourLocalSteps() {
    var plan = scenario(Level.X4_2F6S, Method.BIASED).plan();
    assertThat(plan.workers()).extracting(PlannedWorker::localSteps).containsExactlyElementsOf(
        java.util.stream.Stream.concat(Collections.nCopies(2, 4).stream(), Collections.nCopies(6, 1).stream()).toList());
    assertThat(plan.workers()).extracting(PlannedWorker::weight).containsOnly(0.125);
  }

  @Test
  void thePapersTopologyPlansEightFastAndTwoSlowWorkers() {
    var plan = scenario(Level.X32_8F2S, Method.BIASED).plan();
    assertThat(plan.workers()).hasSize(10).filteredOn(w -> w.role() == WorkerRole.FAST).extracting(PlannedWorker::localSteps).containsOnly(32);
    assertThat(scenario(Level.X32_8F2S, Method.SYNC_FAST).plan().workers()).hasSize(8);
  }

  @Test
  void baselinesUseSynchronousStepsAndFastOnlyDropsTheSlowWorkers() {
    assertThat(scenario(Level.X8_2F2S, Method.SYNC_ALL).plan().workers()).hasSize(4).extracting(PlannedWorker::localSteps).containsOnly(1);
    assertThat(scenario(Level.X32_4F2S, Method.SYNC_FAST).plan().workers()).hasSize(4).extracting(PlannedWorker::pool).containsOnly("fast");
  }

  @Test
  void computeOnlyModelsAndSlowShares() {
    assertThat(Level.X8_2F2S.computeOnlySpeedup()).isEqualTo((2 * 8 + 2) / 4.0);
    assertThat(Level.X32_8F2S.computeOnlySpeedup()).isCloseTo(25.8, Offset.offset(1e-9));
    // the "up to 1.75x over fast-only" with 43 % of the compute in the slow pool
    assertThat(Level.X4_2F6S.computeOnlySpeedupVsFastOnly()).isEqualTo(1.75);
    assertThat(Level.X4_2F6S.slowShareOfSamples()).isCloseTo(6 / 14.0, Offset.offset(1e-12));
  }

  @Test
  void levelsAreLookedUpByName() {
    assertThat(Level.byName("32x-8f2s")).isSameAs(Level.X32_8F2S);
    assertThatThrownBy(() -> Level.byName("8x")).hasMessageContaining("4x-2f6s");
  }
}
