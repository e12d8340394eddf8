package dev.hetero.training.api.planner;

import static dev.hetero.training.api.Fixtures.autoPool;
import static dev.hetero.training.api.Fixtures.global;
import static dev.hetero.training.api.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.ClassWeights;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Invariants of the planner and its pieces over generated inputs. */
class PlannerPropertiesTest {
  private final CapacityPlanner planner = new CapacityPlanner(PlannerConfig.defaults());

  @Property
  void batchesSumToTheGlobalBatchAndStayWithinBounds(
      @ForAll @Size(min = 1, max = 60) List<@DoubleRange(min = 0.01, max = 500) Double> capacities,
      @ForAll @IntRange(min = 1, max = 64) int min, @ForAll @IntRange(min = 0, max = 2000) int extra,
      @ForAll @IntRange(min = 0, max = 1000) int totalSeed) {
    int max = min + extra;
    int n = capacities.size();
    long total = (long) n * min + (long) (totalSeed / 1000.0 * n * (max - min));
    int[] parts = BatchAllocator.split(total, capacities.stream().mapToDouble(Double::doubleValue).toArray(), min, max);
    assertThat(java.util.Arrays.stream(parts).asLongStream().sum()).isEqualTo(total);
    assertThat(java.util.Arrays.stream(parts).boxed().toList()).allSatisfy(b -> assertThat(b).isBetween(min, max));
  }

  @Property
  void unclampedBatchesAreWithinOneSampleOfTheirProportionalShare(
      @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 1, max = 100) Double> capacities,
      @ForAll @IntRange(min = 10_000, max = 200_000) int total) {
    double[] w = capacities.stream().mapToDouble(Double::doubleValue).toArray();
    double sum = java.util.Arrays.stream(w).sum();
    // Bounds wide enough that nothing clamps: every share of total is at least total/4000 >= 2.5.
    int[] parts = BatchAllocator.split(total, w, 1, total);
    for (int i = 0; i < w.length; i++) {
      assertThat(Math.abs(parts[i] - total * w[i] / sum)).isLessThan(1.0);
    }
  }

  @Property
  void clampedBatchesStayProportionalAmongTheUnclamped(
      @ForAll @Size(min = 2, max = 30) List<@DoubleRange(min = 0.1, max = 100) Double> capacities) {
    double[] w = capacities.stream().mapToDouble(Double::doubleValue).toArray();
    int n = w.length;
    int min = 8;
    int max = 256;
    long total = n * 64L;
    double[] real = BatchAllocator.realShares(total, w, min, max);
    // Among parts strictly inside the bounds, share / weight is one common scale.
    Double scale = null;
    for (int i = 0; i < n; i++) {
      if (real[i] > min + 1e-9 && real[i] < max - 1e-9) {
        double s = real[i] / w[i];
        if (scale == null) {
          scale = s;
        }
        assertThat(s).isCloseTo(scale, org.assertj.core.data.Percentage.withPercentage(1e-6));
      }
    }
  }

  @Property(tries = 60)
  void anyNodeOrderGivesTheSamePlan(@ForAll("inventories") List<NodeInfo> nodes, @ForAll long shuffleSeed,
      @ForAll @IntRange(min = 64, max = 4096) int globalBatch) {
    var spec = spec(global(globalBatch), List.of(autoPool("gpu", DeviceClass.GPU, 0, 16), autoPool("cpu", DeviceClass.CPU, 0, 32)));
    PlanResult first = planner.plan("j", spec, nodes);
    List<NodeInfo> shuffled = new ArrayList<>(nodes);
    Collections.shuffle(shuffled, new Random(shuffleSeed));
    assertThat(planner.plan("j", spec, shuffled)).isEqualTo(first);
  }

  @Property(tries = 100)
  void garbageLabelsNeverThrowAndPlansStayConsistent(@ForAll("garbageLabelledNodes") List<NodeInfo> nodes) {
    var spec = spec(Algorithm.BIASED_LOCAL_SGD, global(512), new AllocationSpec(null, 1, 1024, null), null,
        List.of(autoPool("gpu", DeviceClass.GPU, 0, 8), autoPool("cpu", DeviceClass.CPU, 0, 16)));
    PlanResult result = planner.plan("j", spec, nodes);
    if (result instanceof PlanResult.Placed placed) {
      assertThat(placed.workers()).allSatisfy(w -> {
        assertThat(w.capacity()).isPositive().isFinite();
        assertThat(w.localSteps()).isPositive();
      });
      assertThat(placed.workers().stream().mapToInt(PlannedWorker::batchSize).sum()).isEqualTo(512);
    } else {
      assertThat(((PlanResult.Unplaceable) result).missing()).isNotEmpty();
    }
  }

  @Property
  void aggregationWeightsSumToOneForEveryPolicy(
      @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1, max = 100_000) Integer> work,
      @ForAll @DoubleRange(min = 0, max = 1) double gamma, @ForAll boolean gpuFirst) {
    long[] n = work.stream().mapToLong(Integer::longValue).toArray();
    DeviceClass[] classes = new DeviceClass[n.length];
    for (int i = 0; i < n.length; i++) {
      classes[i] = (i % 2 == 0) == gpuFirst ? DeviceClass.GPU : DeviceClass.CPU;
    }
    for (AggregationSpec spec : List.of(
        new AggregationSpec(AggregationPolicy.UNIFORM, null, null, null),
        new AggregationSpec(AggregationPolicy.WORK_PROPORTIONAL, null, null, null),
        new AggregationSpec(AggregationPolicy.POWER, gamma, null, null),
        new AggregationSpec(AggregationPolicy.EXPLICIT, null, new ClassWeights(2.0, 1.0), null))) {
      double[] w = AggregationWeights.of(spec, n, classes);
      assertThat(java.util.Arrays.stream(w).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(java.util.Arrays.stream(w).boxed().toList()).allSatisfy(x -> assertThat(x).isBetween(0.0, 1.0));
    }
  }

  @Provide
  Arbitrary<List<NodeInfo>> inventories() {
    Arbitrary<NodeInfo> node = Combinators.combine(
        Arbitraries.integers().between(0, 9999),
        Arbitraries.integers().between(1, 64),
        Arbitraries.integers().between(0, 8),
        Arbitraries.of("NVIDIA-A100-SXM4-80GB", "Tesla-T4", "Tesla-V100-PCIE-16GB", "NVIDIA-H100-80GB-HBM3", "Unknown"),
        Arbitraries.integers().between(0, 3)).as((id, cores, gpus, product, extraLabel) -> {
          Map<String, String> labels = new HashMap<>();
          if (gpus > 0) {
            labels.put(CapacityLabels.GPU_PRODUCT, product);
          }
          if (extraLabel == 1) {
            labels.put(CapacityLabels.CAPACITY, Integer.toString(1 + id % 50));
          }
          return new NodeInfo("node-" + id, labels, new NodeResources(cores * 1000L, 1L << 38, gpus), null, id % 17 != 0, null);
        });
    return node.list().ofMinSize(1).ofMaxSize(40).uniqueElements(NodeInfo::name);
  }

  @Provide
  Arbitrary<List<NodeInfo>> garbageLabelledNodes() {
    Arbitrary<String> garbage = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12),
        Arbitraries.of("-1", "0", "NaN", "Infinity", "-Infinity", "1e309", "3.5", " 7 ", "0x10", ""));
    Arbitrary<NodeInfo> node = Combinators.combine(
        Arbitraries.integers().between(0, 999), garbage, garbage, garbage, Arbitraries.integers().between(0, 4))
        .as((id, a, b, c, gpus) -> new NodeInfo("n" + id,
            Map.of(CapacityLabels.CAPACITY, a, CapacityLabels.CAPACITY_PER_GPU, b, CapacityLabels.CAPACITY_PER_CPU, c),
            new NodeResources(16000, 1L << 36, gpus), null, true, null));
    return node.list().ofMinSize(1).ofMaxSize(20).uniqueElements(NodeInfo::name);
  }
}
