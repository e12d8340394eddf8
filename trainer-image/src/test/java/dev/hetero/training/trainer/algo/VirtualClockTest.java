package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

  @Test
  void aRoundCostsTheSlowestWorkerTimesItsSlowdownPlusCommunication() {
    // 2 fast workers doing 8 steps of 10 ms, 2 slow (x8) doing 1 step: equal-time rounds of 80 ms.
    double t = VirtualClock.roundSeconds(new double[] {0.08, 0.08, 0.01, 0.01}, new double[] {1, 1, 8, 8}, 0.001);
    assertThat(t).isCloseTo(0.081, offset(1e-12));
    // Synchronous SGD: one step everywhere, the slow workers set the pace.
    t = VirtualClock.roundSeconds(new double[] {0.01, 0.02, 0.01, 0.01}, new double[] {1, 1, 8, 8}, 0.001);
    assertThat(t).isCloseTo(0.081, offset(1e-12));
    assertThatThrownBy(() -> VirtualClock.roundSeconds(new double[] {0.01}, new double[] {1}, -1))
        .hasMessageContaining("non-negative");
  }

  @Test
  void stepCostModelInterpolatesBetweenMeasuredBatches() {
    StepCostModel m = new StepCostModel(Map.of(64, 0.01, 128, 0.018));
    assertThat(m.stepSeconds(64)).isEqualTo(0.01);
    assertThat(m.stepSeconds(96)).isCloseTo(0.014, offset(1e-12));
    assertThat(m.stepSeconds(32)).isCloseTo(0.005, offset(1e-12));
    assertThat(m.stepSeconds(256)).isCloseTo(0.036, offset(1e-12));
  }
}
