package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.ScoreMerge;
import org.junit.jupiter.api.Test;

class ScoreTableTest {

  @Test
  void observationsTakeEffectOnlyAtTheShuffleBoundary() {
    ScoreTable table = new ScoreTable(4);
    table.record(new int[] {1}, new float[] {2f});
    assertThat(table.score(1)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(table.pendingReports()).isEqualTo(1);
    table.mergePending(ScoreMerge.MIN);
    assertThat(table.score(1)).isEqualTo(2f);
    assertThat(table.pendingReports()).isZero();
  }

  @Test
  void minKeepsTheSmallestObservationLatestTheNewest() {
    ScoreTable min = new ScoreTable(3);
    ScoreTable latest = new ScoreTable(3);
    for (ScoreMerge rule : ScoreMerge.values()) {
      ScoreTable t = rule == ScoreMerge.MIN ? min : latest;
      t.record(new int[] {0, 1}, new float[] {1f, 3f});
      t.mergePending(rule);
      t.record(new int[] {0, 1}, new float[] {2f, 0.5f});
      t.mergePending(rule);
    }
    assertThat(min.score(0)).isEqualTo(1f);
    assertThat(min.score(1)).isEqualTo(0.5f);
    assertThat(latest.score(0)).isEqualTo(2f);
    assertThat(latest.score(1)).isEqualTo(0.5f);
    assertThat(min.score(2)).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void aRestoredTableHoldsTheMergedScoresAndTheBufferedObservations() {
    ScoreTable t = ScoreTable.restored(new float[] {1f, Float.POSITIVE_INFINITY}, java.util.List.of(new int[] {1}),
        java.util.List.of(new float[] {0.25f}));
    assertThat(t.score(0)).isEqualTo(1f);
    assertThat(t.pendingReports()).isEqualTo(1);
    t.mergePending(null);
    assertThat(t.score(1)).isEqualTo(0.25f);
  }
}
