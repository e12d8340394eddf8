package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.v1alpha1.ScoreMerge;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class BiasedSamplerTest {

  @RepeatedTest(20)
  void keepsExactlyTheHighestLossCandidates(RepetitionInfo repetition) {
    SplittableRandom random = new SplittableRandom(repetition.getCurrentRepetition());
    int n = 500;
    ScoreTable table = new ScoreTable(n);
    int[] all = IntStream.range(0, n).toArray();
    float[] losses = new float[n];
    for (int i = 0; i < n; i++) {
      losses[i] = (float) random.nextDouble(0, 5);
    }
    table.record(all, losses);
    table.mergePending(ScoreMerge.MIN);
    int[] candidates = random.ints(200, 0, n).distinct().toArray();
    int k = candidates.length / 4;
    int[] kept = BiasedSampler.highestLoss(candidates, k, table);

    assertThat(kept).hasSize(k).doesNotHaveDuplicates();
    assertThat(candidates).contains(kept);
    float lowestKept = Float.MAX_VALUE;
    for (int s : kept) {
      lowestKept = Math.min(lowestKept, table.score(s));
    }
    // Every candidate left out scores no higher than every candidate kept.
    for (int c : candidates) {
      if (Arrays.stream(kept).noneMatch(s -> s == c)) {
        assertThat(table.score(c)).isLessThanOrEqualTo(lowestKept);
      }
    }
  }

  @Test
  void unseenSamplesScoreInfinityAndComeFirst() {
    ScoreTable table = new ScoreTable(10);
    table.record(new int[] {0, 1, 2, 3, 4}, new float[] {9, 8, 7, 6, 5});
    table.mergePending(ScoreMerge.MIN);
    int[] kept = BiasedSampler.highestLoss(new int[] {0, 1, 7, 2, 8}, 3, table);
    assertThat(kept).containsExactly(7, 8, 0);
  }

  @Test
  void candidateCountIsRatioTimesDemandCappedByWhatIsAvailable() {
    assertThat(BiasedSampler.candidateCount(100, 4, 10_000)).isEqualTo(400);
    assertThat(BiasedSampler.candidateCount(100, 4, 250)).isEqualTo(250);
    assertThat(BiasedSampler.candidateCount(100, 1, 10_000)).isEqualTo(100);
    assertThatThrownBy(() -> BiasedSampler.candidateCount(10, 0.5, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BiasedSampler.highestLoss(new int[] {1, 2}, 3, new ScoreTable(5)))
        .hasMessageContaining("cannot keep 3 of 2");
  }
}
