package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.ScoreMerge;
import org.junit.jupiter.api.Test;

class ScoreTableTest {

  @Test
  void observationsTakeEffectOnlyAtTheShuffleBoundary() {
    ScoreTable table = new ScoreTable(4, ScoreMerge.MIN);
    table.record(new int[] {1}, new float[] {2f});
    assertThat(table.score(1)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(table.pendingReports()).isEqualTo(1);
    table.mergePending();
    assertThat(table.score(1)).isEqualTo(2f);
    assertThat(table.pendingReports()).isZero();
  }

  @Test
  void minKeepsTheSmallestObservationLatestTheNewest() {
    ScoreTable min = new ScoreTable(3, ScoreMerge.MIN);
    ScoreTable latest = new ScoreTable(3, ScoreMerge.LATEST);
    for (ScoreTable t : new ScoreTable[] {min, latest}) {
      t.record(new int[] {0, 1}, new float[] {1f, 3f});
      t.mergePending();
      t.record(new int[] {0, 1}, new float[] {2f, 0.5f});
      t.mergePending();
    }
    assertThat(min.score(0)).isEqualTo(1f);
    assertThat(min.score(1)).isEqualTo(0.5f);
    assertThat(latest.score(0)).isEqualTo(2f);
    assertThat(latest.score(1)).isEqualTo(0.5f);
    assertThat(min.score(2)).isEqualTo(Float.POSITIVE_INFINITY);
  }
}
