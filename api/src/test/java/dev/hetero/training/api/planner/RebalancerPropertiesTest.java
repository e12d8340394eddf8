package dev.hetero.training.api.planner;

import static dev.hetero.training.api.Fixtures.cpuPool;
import static dev.hetero.training.api.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.BatchSpec;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.LocalStepsPolicy;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.RebalanceSpec;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.api.validation.SpecDefaults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;

/**
 * The rebalancer's promises over generated speeds and label errors: the planner's invariants hold
 * on every rebalanced plan, a fixed speed ratio is reached within a few rounds and then held, and
 * noise inside the dead band never moves the plan.
 */
class RebalancerPropertiesTest {
  private static final double DEAD_BAND = 0.1;
  private static final double DAMPING = 0.7;

  /** A job of {@code n} cpu workers; global batch when {@code global > 0}, else 32 per worker. */
  static HeteroTrainingJobSpec job(Algorithm algorithm, AggregationPolicy policy, int n, int global, int min, int max, int base) {
    BatchSpec batch = global > 0 ? new BatchSpec(global, null) : new BatchSpec(null, 32);
    AllocationSpec allocation = new AllocationSpec(null, min, max, new LocalStepsSpec(LocalStepsPolicy.EQUAL_TIME, base, 256),
        new RebalanceSpec(true, DEAD_BAND, DAMPING, 4.0));
    AggregationSpec aggregation = new AggregationSpec(policy, policy == AggregationPolicy.POWER ? 0.5 : null, null, null);
    return SpecDefaults.apply(spec(algorithm, batch, allocation, aggregation, List.of(cpuPool("p", n))));
  }

  /** The plan the planner's sizing makes for these capacities (what the operator would write). */
  static List<PlannedWorker> planned(HeteroTrainingJobSpec spec, double[] capacities) {
    List<PlannedWorker> blank = new ArrayList<>();
    for (int i = 0; i < capacities.length; i++) {
      blank.add(new PlannedWorker("job-p-" + i, i, "node", "p", DeviceClass.CPU, capacities[i], 1, 1, 1.0, WorkerRole.FAST, null,
          null));
    }
    return Rebalancer.resize(spec, blank, capacities);
  }

  static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Property
  void everyRebalancedPlanKeepsTheGlobalBatchTheBoundsAndThePlannersWeightsAndRoles(
      @ForAll @Size(min = 2, max = 8) List<@DoubleRange(min = 0.25, max = 4) Double> labels,
      @ForAll @Size(min = 8, max = 8) List<@DoubleRange(min = 10, max = 5000) Double> rates,
      @ForAll @IntRange(min = 1, max = 32) int min, @ForAll @IntRange(min = 0, max = 200) int extra,
      @ForAll @IntRange(min = 0, max = 100) int globalShare, @ForAll boolean globalBatch,
      @ForAll Algorithm algorithm, @ForAll AggregationPolicy policy) {
    if (policy == AggregationPolicy.EXPLICIT) {
      policy = AggregationPolicy.WORK_PROPORTIONAL;
    }
    int n = labels.size();
    int max = min + extra;
    int global = globalBatch ? n * min + (int) ((long) n * extra * globalShare / 100) : 0;
    HeteroTrainingJobSpec spec = job(algorithm, policy, n, global, min, max, 2);
    double[] capacities = toArray(labels);
    List<PlannedWorker> before = planned(spec, capacities);
    double[] measured = Arrays.copyOf(toArray(rates), n);

    Rebalancer.Decision d = Rebalancer.rebalance(spec, before, capacities, measured);

    List<PlannedWorker> after = d.workers();
    if (globalBatch) {
      assertThat(after.stream().mapToLong(PlannedWorker::batchSize).sum()).isEqualTo(global);
    } else {
      assertThat(after).allSatisfy(w -> assertThat(w.batchSize()).isEqualTo(Math.max(min, Math.min(max, 32))));
    }
    assertThat(after).allSatisfy(w -> {
      assertThat(w.batchSize()).isBetween(min, max);
      assertThat(w.localSteps()).isBetween(1, algorithm == Algorithm.SYNC_SGD ? 1 : 256);
    });
    long[] work = after.stream().mapToLong(PlannedWorker::samplesPerRound).toArray();
    double[] weights = AggregationWeights.of(AlgorithmRules.aggregation(spec), work,
        after.stream().map(PlannedWorker::deviceClass).toArray(DeviceClass[]::new));
    double fastest = Arrays.stream(d.capacities()).max().orElseThrow();
    for (int i = 0; i < n; i++) {
      PlannedWorker w = after.get(i);
      assertThat(w.weight()).isCloseTo(weights[i], within(1e-6));
      assertThat(w.role()).isEqualTo(WorkSizing.role(d.capacities()[i], fastest, spec.sampling().slowCapacityRatio()));
      assertThat(w.sampling()).isEqualTo(AlgorithmRules.sampling(spec, w.role()));
      assertThat(w.worker()).isEqualTo(before.get(i).worker());
    }
    assertThat(Arrays.stream(d.capacities()).sum()).isCloseTo(Arrays.stream(capacities).sum(), within(1e-9));
  }

  /**
   * Labels off by up to 16x either way. The estimate's gap shrinks by (1 - damping) per round; the
   * worst case (16x too high) enters the 10 % band after 5 rounds at damping 0.7.
   */
  @Property
  void aFixedSpeedRatioIsReachedWithinSixRoundsAndThenHeld(
      @ForAll @Size(min = 2, max = 8) List<@DoubleRange(min = 50, max = 800) Double> speeds,
      @ForAll @Size(min = 8, max = 8) List<@DoubleRange(min = 0.0625, max = 16) @Scale(4) Double> labelErrors,
      @ForAll boolean globalBatch) {
    int n = speeds.size();
    HeteroTrainingJobSpec spec = job(Algorithm.BIASED_LOCAL_SGD, AggregationPolicy.WORK_PROPORTIONAL, n, globalBatch ? 64 * n : 0,
        8, 256, 4);
    double[] truth = toArray(speeds);
    double[] capacities = new double[n];
    for (int i = 0; i < n; i++) {
      capacities[i] = truth[i] / 100 * labelErrors.get(i);
    }
    List<PlannedWorker> plan = planned(spec, capacities);
    int rounds = 0;
    Rebalancer.Decision d = Rebalancer.rebalance(spec, plan, capacities, truth);
    while (d.deviation() > DEAD_BAND && rounds < 20) {
      rounds++;
      capacities = d.capacities();
      plan = d.workers();
      d = Rebalancer.rebalance(spec, plan, capacities, truth);
    }
    assertThat(rounds).isLessThanOrEqualTo(6);
    // held: the same measurements never move it again
    for (int k = 0; k < 10; k++) {
      Rebalancer.Decision again = Rebalancer.rebalance(spec, plan, capacities, truth);
      assertThat(again.workChanged()).isFalse();
      assertThat(again.workers()).isSameAs(plan);
      assertThat(again.capacities()).containsExactly(capacities);
    }
    double scale = Arrays.stream(capacities).sum() / Arrays.stream(truth).sum();
    for (int i = 0; i < n; i++) {
      assertThat(truth[i] * scale / capacities[i]).isBetween(1 - DEAD_BAND, 1 + DEAD_BAND);
    }
  }

  /** Step-time noise up to deadBand / (2 + deadBand) = 4.76 % on every worker: nothing moves. */
  @Property
  void noiseBelowTheDeadBandNeverMovesThePlan(
      @ForAll @Size(min = 2, max = 8) List<@DoubleRange(min = 50, max = 800) Double> speeds,
      @ForAll @Size(min = 8, max = 8) List<@DoubleRange(min = -1, max = 1) Double> noise,
      @ForAll @DoubleRange(min = 0.001, max = 1000) @Scale(4) double labelScale) {
    int n = speeds.size();
    HeteroTrainingJobSpec spec = job(Algorithm.BIASED_LOCAL_SGD, AggregationPolicy.UNIFORM, n, 0, 8, 256, 4);
    double[] truth = toArray(speeds);
    double[] capacities = Arrays.stream(truth).map(s -> s * labelScale).toArray();
    List<PlannedWorker> plan = planned(spec, capacities);
    double bound = DEAD_BAND / (2 + DEAD_BAND) * 0.999;
    double[] measured = new double[n];
    for (int i = 0; i < n; i++) {
      // a step time off by a factor (1 + e) gives a rate off by 1 / (1 + e)
      measured[i] = truth[i] / (1 + bound * noise.get(i));
    }
    Rebalancer.Decision d = Rebalancer.rebalance(spec, plan, capacities, measured);
    assertThat(d.workChanged()).isFalse();
    assertThat(d.workers()).isSameAs(plan);
    assertThat(d.capacities()).containsExactly(capacities);
  }

  @Example
  void aWorkerFourTimesSlowerThanItsLabelEndsWithAQuarterOfTheStepsAndEqualRoundTimes() {
    HeteroTrainingJobSpec spec = job(Algorithm.BIASED_LOCAL_SGD, AggregationPolicy.WORK_PROPORTIONAL, 4, 0, 8, 256, 8);
    double[] capacities = {1, 1, 1, 1};
    double[] truth = {400, 400, 400, 100};
    List<PlannedWorker> plan = planned(spec, capacities);
    assertThat(plan).extracting(PlannedWorker::localSteps).containsExactly(8, 8, 8, 8);
    Rebalancer.Decision d = null;
    for (int round = 0; round < 6; round++) {
      d = Rebalancer.rebalance(spec, plan, capacities, truth);
      plan = d.workers();
      capacities = d.capacities();
    }
    assertThat(plan.get(3).localSteps()).isEqualTo(8);
    assertThat(plan.get(3).role()).isEqualTo(WorkerRole.SLOW);
    double slowest = 0;
    double quickest = Double.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      double seconds = plan.get(i).samplesPerRound() / truth[i];
      slowest = Math.max(slowest, seconds);
      quickest = Math.min(quickest, seconds);
    }
    assertThat(quickest / slowest).isGreaterThan(0.9);
    assertThat(plan.get(0).weight()).isGreaterThan(3 * plan.get(3).weight());
  }

  @Example
  void noiseOfTwiceTheDeadBandDoesMoveThePlan() {
    HeteroTrainingJobSpec spec = job(Algorithm.BIASED_LOCAL_SGD, AggregationPolicy.UNIFORM, 2, 0, 8, 256, 8);
    double[] capacities = {1, 1};
    List<PlannedWorker> plan = planned(spec, capacities);
    Rebalancer.Decision d = Rebalancer.rebalance(spec, plan, capacities, new double[] {100 * 1.2, 100 / 1.2});
    assertThat(d.workChanged()).isTrue();
    assertThat(d.workers().get(0).localSteps()).isGreaterThan(d.workers().get(1).localSteps());
  }

  @Example
  void withOneMeasuredWorkerNothingMoves() {
    HeteroTrainingJobSpec spec = job(Algorithm.BIASED_LOCAL_SGD, AggregationPolicy.UNIFORM, 2, 0, 8, 256, 8);
    double[] capacities = {1, 1};
    List<PlannedWorker> plan = planned(spec, capacities);
    assertThat(Rebalancer.rebalance(spec, plan, capacities, new double[] {Double.NaN, 10}).workChanged()).isFalse();
  }

  @Example
  void aWorkerWhoseRoundTakesMoreThanTheFactorTimesTheMedianIsAStraggler() {
    HeteroTrainingJobSpec spec = job(Algorithm.BIASED_LOCAL_SGD, AggregationPolicy.UNIFORM, 4, 0, 8, 256, 8);
    List<PlannedWorker> plan = planned(spec, new double[] {1, 1, 1, 1});
    assertThat(Rebalancer.stragglers(plan, new double[] {400, 400, 400, 99}, 4.0)).containsExactly(false, false, false, true);
    assertThat(Rebalancer.stragglers(plan, new double[] {400, 400, 400, 101}, 4.0)).containsExactly(false, false, false, false);
    assertThat(Rebalancer.stragglers(plan, new double[] {400, Double.NaN, Double.NaN, Double.NaN}, 4.0))
        .containsExactly(false, false, false, false);
  }
}
