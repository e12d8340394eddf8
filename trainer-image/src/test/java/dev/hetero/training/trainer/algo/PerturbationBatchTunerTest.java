package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** b_p auto: the largest batch whose ascent fits the partner's step, and again after the machine changes. */
class PerturbationBatchTunerTest {

  /** Feeds {@code rounds} ascents at whatever batch the tuner asks for; returns the batch it ends on. */
  private static int run(PerturbationBatchTuner tuner, IntToDoubleFunction ascentSeconds, double stepSeconds, int rounds) {
    for (int i = 0; i < rounds; i++) {
      int b = tuner.batch();
      tuner.observe(b, ascentSeconds.applyAsDouble(b), stepSeconds);
    }
    return tuner.batch();
  }

  /** The batch's ascent lies in the dead band below the budget: [0.8, 1] x 0.9 x the partner's step. */
  private static void fits(int b, IntToDoubleFunction cost, double stepSeconds) {
    double budget = PerturbationBatchTuner.MARGIN * stepSeconds;
    assertThat(cost.applyAsDouble(b)).as("ascent of %d samples", b)
        .isBetween(PerturbationBatchTuner.LOW * budget, budget);
  }

  @Test
  void findsALargeBatchThatFitsTheBudgetFromAFarStart() {
    // ascent 2 ms + 0.5 ms per sample; partner step 18 ms: budget 0.9 x 18 = 16.2 ms, the largest fitting batch is 28
    IntToDoubleFunction cost = b -> 0.002 + 0.0005 * b;
    PerturbationBatchTuner tuner = new PerturbationBatchTuner(4, 64, true);
    int b = run(tuner, cost, 0.018, 60);
    assertThat(b).isBetween(21, 28);
    fits(b, cost, 0.018);
    assertThat(tuner.lastChange()).startsWith("perturbation batch");
  }

  @Test
  void shrinksWhenItStartsTooLargeAndNeverGoesBeyondTheDescentBatch() {
    PerturbationBatchTuner big = new PerturbationBatchTuner(64, 64, true);
    assertThat(run(big, b -> 0.001 * b, 0.010, 40)).isEqualTo(8);
    PerturbationBatchTuner capped = new PerturbationBatchTuner(8, 16, true);
    assertThat(run(capped, b -> 0.0001 * b, 0.050, 40)).isEqualTo(16);
  }

  @Test
  void followsADriftOfTheHelperOrOfThePartner() {
    PerturbationBatchTuner tuner = new PerturbationBatchTuner(8, 256, true);
    IntToDoubleFunction quick = b -> 0.0005 * b;
    fits(run(tuner, quick, 0.020, 60), quick, 0.020);
    // the helper's machine gets twice as slow (another tenant): b_p about halves
    IntToDoubleFunction slow = b -> 0.001 * b;
    int halved = run(tuner, slow, 0.020, 60);
    fits(halved, slow, 0.020);
    // the partner slows down too: the budget doubles, b_p follows
    int doubled = run(tuner, slow, 0.040, 60);
    fits(doubled, slow, 0.040);
    assertThat(doubled).isGreaterThan(halved);
  }

  @Test
  void theOddSlowStepOfASharedMachineDoesNotMakeItWander() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    PerturbationBatchTuner tuner = new PerturbationBatchTuner(16, 64, true);
    int changes = 0;
    for (int i = 0; i < 800; i++) {
      int b = tuner.batch();
      // one observation in five is 2.5x slow (another tenant's burst), the others within +-10 %
      double noise = random.nextInt(5) == 0 ? 2.5 : 1 + 0.2 * (random.nextDouble() - 0.5);
      boolean moved = tuner.observe(b, 0.0005 * b * noise, 0.018 * (random.nextInt(5) == 0 ? 2.5 : 1));
      if (i >= 400 && moved) {
        changes++;
      }
    }
    assertThat(changes).as("moves in the last 400 ascents").isLessThanOrEqualTo(2);
    fits(tuner.batch(), b -> 0.0005 * b, 0.018);
  }

  @Test
  void aPartnerThatWaitsMakesItShrinkToTheLargestBatchWithoutWaitingAndStayThere() {
    // the ascent alone fits (0.4 ms a sample), but 6 ms of transfers come on top: above 30 samples the partner waits
    PerturbationBatchTuner tuner = new PerturbationBatchTuner(32, 64, true);
    int changesLate = 0;
    for (int i = 0; i < 600; i++) {
      int b = tuner.batch();
      double ascent = 0.0004 * b;
      boolean moved = tuner.observe(b, ascent, 0.018, Math.max(0, ascent + 0.006 - 0.018));
      if (i >= 300 && moved) {
        changesLate++;
      }
    }
    assertThat(tuner.batch()).isEqualTo(30);
    assertThat(changesLate).isZero();
    assertThat(tuner.lastChange()).contains("the partner waited");
  }

  @Test
  void staysPutInsideTheDeadBandAndWhenFixed() {
    PerturbationBatchTuner tuner = new PerturbationBatchTuner(30, 64, true);
    // 30 samples cost 14.4 ms against a 16.2 ms budget: within [0.8, 1] x budget, nothing moves
    assertThat(run(tuner, b -> 0.00048 * b, 0.018, 40)).isEqualTo(30);
    PerturbationBatchTuner fixed = new PerturbationBatchTuner(30, 64, false);
    assertThat(run(fixed, b -> 0.01 * b, 0.018, 40)).isEqualTo(30);
  }
}
