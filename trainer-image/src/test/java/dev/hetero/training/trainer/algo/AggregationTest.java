package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.hetero.training.api.planner.AggregationWeights;
import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.ClassWeights;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The coordinator's weights (from the api's AggregationWeights) and the averaging itself. */
class AggregationTest {
  static final long[] WORK = {512, 512, 64, 64};
  static final DeviceClass[] CLASSES = {DeviceClass.GPU, DeviceClass.GPU, DeviceClass.CPU, DeviceClass.CPU};

  @Test
  void everyPolicySumsToOneAndMatchesItsDefinition() {
    double[] uniform = weights(new AggregationSpec(AggregationPolicy.UNIFORM, null, null, true));
    double[] work = weights(new AggregationSpec(AggregationPolicy.WORK_PROPORTIONAL, null, null, true));
    double[] power = weights(new AggregationSpec(AggregationPolicy.POWER, 0.5, null, true));
    double[] explicit = weights(new AggregationSpec(AggregationPolicy.EXPLICIT, null, new ClassWeights(3.0, 1.0), true));
    for (double[] w : new double[][] {uniform, work, power, explicit}) {
      assertThat(Arrays.stream(w).sum()).isCloseTo(1.0, offset(1e-12));
    }
    assertThat(uniform).containsExactly(0.25, 0.25, 0.25, 0.25);
    assertThat(work[0]).isCloseTo(512.0 / 1152, offset(1e-12));
    assertThat(work[2]).isCloseTo(64.0 / 1152, offset(1e-12));
    double root = Math.sqrt(512) * 2 + Math.sqrt(64) * 2;
    assertThat(power[0]).isCloseTo(Math.sqrt(512) / root, offset(1e-12));
    assertThat(explicit[0]).isCloseTo(3.0 / 8, offset(1e-12));
    assertThat(explicit[3]).isCloseTo(1.0 / 8, offset(1e-12));
  }

  @Test
  void algorithmsForceTheirAggregation() {
    // syncSGD averages by batch (= gradient averaging), localSGD uniformly.
    var sync = AlgorithmPolicyFixtures.spec("syncSGD", "workProportional");
    var local = AlgorithmPolicyFixtures.spec("localSGD", "workProportional");
    var biased = AlgorithmPolicyFixtures.spec("biasedLocalSGD", "workProportional");
    assertThat(AlgorithmPolicy.aggregation(sync).policy()).isEqualTo(AggregationPolicy.WORK_PROPORTIONAL);
    assertThat(AlgorithmPolicy.aggregation(local).policy()).isEqualTo(AggregationPolicy.UNIFORM);
    assertThat(AlgorithmPolicy.aggregation(biased).policy()).isEqualTo(AggregationPolicy.WORK_PROPORTIONAL);
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

  private static double[] weights(AggregationSpec spec) {
    return AggregationWeights.of(spec, WORK, CLASSES);
  }
}
