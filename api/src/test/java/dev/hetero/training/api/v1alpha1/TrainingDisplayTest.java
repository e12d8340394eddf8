package dev.hetero.training.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingDisplayTest {
  @Test
  void printsPlainNumbers() {
    TrainingDisplay d = TrainingDisplay.of(1.0069333333333332, 0.8726, 1938.3181111809201, 0.9231);
    assertThat(d.epoch()).isEqualTo("1.01");
    assertThat(d.accuracy()).isEqualTo("87.3%");
    assertThat(d.samplesPerSecond()).isEqualTo("1938");
    assertThat(d.slowestShare()).isEqualTo("92%");
  }

  @Test
  void unknownValuesStayAbsentAndSharesAreCappedAtAll() {
    TrainingDisplay d = TrainingDisplay.of(null, Double.NaN, null, 1.7);
    assertThat(d.epoch()).isNull();
    assertThat(d.accuracy()).isNull();
    assertThat(d.samplesPerSecond()).isNull();
    assertThat(d.slowestShare()).isEqualTo("100%");
  }

  @Test
  void progressCarriesTheDisplayOfItsOwnValues() {
    TrainingProgress p = TrainingProgress.of(7L, 0.5, 30000L, 0.4, 0.81234, 2500.4, "2026-12-01T00:00:00Z", null);
    assertThat(p.display()).isEqualTo(new TrainingDisplay("0.50", "81.2%", "2500", null));
    assertThat(p.epoch()).isEqualTo(0.5);
  }
}
