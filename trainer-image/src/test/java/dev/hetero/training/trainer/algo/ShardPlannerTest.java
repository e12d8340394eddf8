package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.v1alpha1.ScoreMerge;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardPlannerTest {

  @Test
  void periodIsFloorOfDatasetOverRoundWork() {
    assertThat(ShardPlanner.roundsPerPeriod(60_000, new long[] {512, 512, 64, 64})).isEqualTo(52);
    assertThat(ShardPlanner.roundsPerPeriod(1000, new long[] {500, 500})).isEqualTo(1);
    assertThatThrownBy(() -> ShardPlanner.roundsPerPeriod(100, new long[] {64, 64}))
        .hasMessageContaining("one round needs 128 samples").hasMessageContaining("only 100");
  }

  @Test
  void uniformShardsAreDisjointAndCoverThePeriod() {
    int n = 1000;
    long[] perRound = {64, 64, 8, 8};
    int period = ShardPlanner.roundsPerPeriod(n, perRound);
    long[] demand = new long[4];
    for (int i = 0; i < 4; i++) {
      demand[i] = perRound[i] * period;
    }
    int[][] shards = ShardPlanner.plan(n, demand, new boolean[4], null, 4, 7, 0);
    Set<Integer> seen = new HashSet<>();
    for (int w = 0; w < 4; w++) {
      assertThat(shards[w]).hasSize((int) demand[w]);
      for (int s : shards[w]) {
        assertThat(s).isBetween(0, n - 1);
        assertThat(seen.add(s)).as("sample %d in two shards", s).isTrue();
      }
    }
    // The period covers period x sum(n_i) samples, all distinct.
    assertThat(seen).hasSize((int) (period * (64 + 64 + 8 + 8)));
  }

  @Test
  void biasedShardsAreDisjointFromTheOthersAndHoldTheHighestScoredCandidates() {
    int n = 2000;
    ScoreTable scores = new ScoreTable(n);
    float[] losses = new float[n];
    for (int i = 0; i < n; i++) {
      losses[i] = i; // higher index, harder sample
    }
    scores.record(IntStream.range(0, n).toArray(), losses);
    scores.mergePending(ScoreMerge.LATEST);
    long[] demand = {800, 800, 50, 50};
    boolean[] biased = {false, false, true, true};
    int[][] shards = ShardPlanner.plan(n, demand, biased, scores, 4, 11, 3);
    Set<Integer> seen = new HashSet<>();
    for (int[] shard : shards) {
      for (int s : shard) {
        assertThat(seen.add(s)).isTrue();
      }
    }
    // 100 biased samples from the 400 left over (candidates = min(4 x 100, 400)): the 100 highest of those.
    Set<Integer> rest = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (!contains(shards[0], i) && !contains(shards[1], i)) {
        rest.add(i);
      }
    }
    int[] expectedTop = rest.stream().sorted((a, b) -> b - a).limit(100).mapToInt(Integer::intValue).toArray();
    Set<Integer> biasedSamples = new HashSet<>();
    for (int s : shards[2]) {
      biasedSamples.add(s);
    }
    for (int s : shards[3]) {
      biasedSamples.add(s);
    }
    assertThat(biasedSamples).containsExactlyInAnyOrder(java.util.Arrays.stream(expectedTop).boxed().toArray(Integer[]::new));
  }

  @Test
  void sameSeedAndPeriodGiveTheSameShardsAndAnotherPeriodReshuffles() {
    long[] demand = {100, 100};
    int[][] a = ShardPlanner.plan(500, demand, new boolean[2], null, 4, 42, 1);
    int[][] b = ShardPlanner.plan(500, demand, new boolean[2], null, 4, 42, 1);
    int[][] c = ShardPlanner.plan(500, demand, new boolean[2], null, 4, 42, 2);
    assertThat(a[0]).containsExactly(b[0]);
    assertThat(a[0]).isNotEqualTo(c[0]);
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }
}
