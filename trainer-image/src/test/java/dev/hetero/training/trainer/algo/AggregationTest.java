package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The coordinator's weights (the plan's, renormalised over the workers that made the round) and the averaging itself. */
class AggregationTest {
  static final double[] PLANNED = {0.4, 0.4, 0.1, 0.1};

  @Test
  void everyoneThereGetsThePlansWeights() {
    assertThat(RoundWeights.renormalised(PLANNED, new int[] {0, 1, 2, 3})).containsExactly(PLANNED);
  }

  @Test
  void aLateWorkersShareIsSpreadInProportionToTheOthersWeights() {
    double[] w = RoundWeights.renormalised(PLANNED, new int[] {0, 2, 3});
    assertThat(Arrays.stream(w).sum()).isCloseTo(1.0, offset(1e-12));
    assertThat(w[0]).isCloseTo(0.4 / 0.6, offset(1e-12));
    assertThat(w[1]).isCloseTo(0.1 / 0.6, offset(1e-12));
    // rounded plan weights (the planner keeps 6 decimals) still sum to 1 once renormalised
    assertThat(Arrays.stream(RoundWeights.renormalised(new double[] {0.333333, 0.333333, 0.333333}, new int[] {0, 1, 2})).sum())
        .isCloseTo(1.0, offset(1e-12));
  }

  @Test
  void onlyWeightlessWorkersLeftIsAnError() {
    assertThatThrownBy(() -> RoundWeights.renormalised(new double[] {1, 0}, new int[] {1})).hasMessageContaining("weight 0");
  }

  @Test
  void averagesWithNormalisedWeightsIncludingBuffersUnlessExcluded() {
    float[] a = {1, 2, 10};
    float[] b = {3, 6, 20};
    boolean[] buffers = {false, false, true};
    float[] avg = WeightedAverager.average(new float[][] {a, b}, new double[] {3, 1}, buffers, true);
    assertThat(avg).containsExactly(1.5f, 3f, 12.5f);
    float[] keep = WeightedAverager.average(new float[][] {a, b}, new double[] {3, 1}, buffers, false);
    assertThat(keep).containsExactly(1.5f, 3f, 10f);
    assertThatThrownBy(() -> WeightedAverager.average(new float[][] {a}, new double[] {0}, null, true))
        .hasMessageContaining("sum to 0");
    assertThatThrownBy(() -> WeightedAverager.average(new float[][] {a, {1f}}, new double[] {1, 1}, null, true))
        .hasMessageContaining("model 1 has 1 values");
  }
}
