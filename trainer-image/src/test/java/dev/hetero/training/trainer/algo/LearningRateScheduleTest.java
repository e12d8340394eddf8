package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void decaysAtEachMilestoneFractionOfTheBudget() {
    LearningRateSchedule s = new LearningRateSchedule(0.1, List.of(0.6, 0.8), 0.1);
    assertThat(s.rateAt(0)).isEqualTo(0.1);
    assertThat(s.rateAt(0.5999)).isEqualTo(0.1);
    assertThat(s.rateAt(0.6)).isCloseTo(0.01, offset(1e-12));
    assertThat(s.rateAt(0.79)).isCloseTo(0.01, offset(1e-12));
    assertThat(s.rateAt(0.8)).isCloseTo(0.001, offset(1e-12));
    assertThat(s.rateAt(1.0)).isCloseTo(0.001, offset(1e-12));
  }

  @Test
  void refusesBadSchedules() {
    assertThatThrownBy(() -> new LearningRateSchedule(0, List.of(), 0.1)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new LearningRateSchedule(0.1, List.of(0.8, 0.6), 0.1)).hasMessageContaining("increase");
    assertThatThrownBy(() -> new LearningRateSchedule(0.1, List.of(1.0), 0.1)).hasMessageContaining("increase");
  }
}
