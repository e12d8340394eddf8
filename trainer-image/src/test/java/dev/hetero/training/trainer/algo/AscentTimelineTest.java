package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated pair: which model the helper ascends from, and when its perturbation is ready. */
class AscentTimelineTest {

  /** A helper whose every ascent takes {@code seconds}; records what it started. */
  static final class FixedHelper implements AscentTimeline.Helper {
    final double seconds;
    final List<Long> started = new ArrayList<>();

    FixedHelper(double seconds) {
      this.seconds = seconds;
    }

    @Override
    public double start(long step) {
      started.add(step);
      return seconds;
    }

    @Override
    public void finished(long step, double at) {
    }
  }

  /** The fast worker: steps of {@code stepSeconds}, staleness tau; returns the total wait and the ages. */
  static double run(AscentTimeline timeline, int steps, double stepSeconds, int tau, List<Long> ages) {
    double now = 0;
    double waited = 0;
    for (long t = 0; t < steps; t++) {
      timeline.publish(t, now);
      AscentTimeline.Ready r = timeline.await(Math.max(0, t - tau), now);
      double wait = Math.max(0, r.readyAt() - now);
      waited += wait;
      ages.add(t - r.source());
      now += wait + stepSeconds;
    }
    return waited;
  }

  @Test
  void aHelperQuickerThanTheStepDeliversEveryPerturbationOneStepOldAndNobodyWaitsAfterTheFirst() {
    FixedHelper helper = new FixedHelper(0.015);
    List<Long> ages = new ArrayList<>();
    double waited = run(new AscentTimeline(helper), 20, 0.018, 1, ages);
    // step 0 waits for the ascent of its own model (there is no older one), then every step takes the previous step's
    assertThat(waited).isCloseTo(0.015, within(1e-12));
    assertThat(ages.get(0)).isZero();
    assertThat(ages.subList(1, 20)).containsOnly(1L);
    assertThat(helper.started).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20).boxed().toList());
  }

  @Test
  void aSlowerHelperSkipsModelsAndMakesTheWorkerWaitWhenTheStalenessBoundBites() {
    FixedHelper helper = new FixedHelper(0.030);
    List<Long> loose = new ArrayList<>();
    double noWaitNeeded = run(new AscentTimeline(helper), 40, 0.018, 4, loose);
    assertThat(loose.stream().mapToLong(Long::longValue).max().getAsLong()).isLessThanOrEqualTo(4);
    assertThat(helper.started.size()).isLessThan(40); // it ascends from every other model or so
    FixedHelper again = new FixedHelper(0.030);
    List<Long> strict = new ArrayList<>();
    double waited = run(new AscentTimeline(again), 40, 0.018, 1, strict);
    assertThat(waited).isGreaterThan(noWaitNeeded + 0.1);
    assertThat(strict).allMatch(a -> a <= 1);
  }

  @Test
  void stalenessZeroIsSynchronous() {
    FixedHelper helper = new FixedHelper(0.010);
    List<Long> ages = new ArrayList<>();
    double waited = run(new AscentTimeline(helper), 10, 0.018, 0, ages);
    assertThat(ages).containsOnly(0L);
    assertThat(waited).isCloseTo(10 * 0.010, within(1e-12));
  }
}
