package dev.hetero.training.trainer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerHandle;
import dev.hetero.training.trainer.runner.RunnerAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Stragglers out of rounds they cannot make: a remote worker whose compute takes 20x the others'
 * is marked Straggler after its first round; with leaveOutStragglers it is then awaited only up to
 * stragglerFactor times the others' time and left out, except in every fifth round, which waits
 * for it and measures it again. Without the setting it is waited for in every round.
 */
class StragglerCutoffTest {
  static final int MODEL = 12;

  /** A remote worker that takes 20x as long: it answers a round with a cut-off only after the cut-off has passed. */
  static final class SlowRemote extends CoordinatorFaultsTest.FakeWorker {
    final List<Long> cutOff = new ArrayList<>();

    SlowRemote(int rank) {
      super(rank, r -> false, -1);
    }

    @Override
    public RoundResult await(LongSupplier cutoffNanos) throws IOException {
      long cutoff = cutoffNanos.getAsLong();
      if (pending.stop() || cutoff == StopRequest.NO_CUTOFF) {
        RoundResult r = super.await();
        return r.model() == null ? r : new RoundResult(r.rank(), r.round(), 0.2, r.loadedDigest(), r.indices(), r.losses(),
            r.model(), r.state());
      }
      while (System.nanoTime() - cutoff < 0) {
        Thread.onSpinWait(); // still training when the coordinator stops waiting
      }
      cutOff.add(pending.round());
      return null;
    }
  }

  @Test
  void aMarkedStragglerIsLeftOutOfRoundsItCannotMakeAndWaitedForEveryFifthRound() throws Exception {
    SlowRemote slow = new SlowRemote(2);
    List<AppliedRound> applied = new ArrayList<>();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RunOutcome outcome = run(true, slow, applied, log);

    assertThat(outcome.ending()).isEqualTo(RunOutcome.Ending.COMPLETED);
    assertThat(applied.get(0).weights()[2]).as("round 0: nobody is marked yet").isPositive();
    for (AppliedRound round : applied.subList(1, applied.size())) {
      long number = round.round() - 1;
      if (number % StragglerCutoff.PROBE_EVERY == 0) {
        assertThat(round.weights()[2]).as("probe round " + number).isPositive();
      } else {
        assertThat(round.weights()[2]).as("round " + number + " closes without the straggler").isZero();
      }
    }
    assertThat(slow.cutOff).isNotEmpty().allMatch(r -> r % StragglerCutoff.PROBE_EVERY != 0);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("straggler rank 2 (rank 2) left out of round 1");
  }

  @Test
  void withoutTheSettingAStragglerIsWaitedForInEveryRound() throws Exception {
    SlowRemote slow = new SlowRemote(2);
    List<AppliedRound> applied = new ArrayList<>();
    run(false, slow, applied, new ByteArrayOutputStream());
    assertThat(slow.cutOff).isEmpty();
    assertThat(applied).allSatisfy(round -> assertThat(round.weights()[2]).isPositive());
  }

  @Test
  void theDeadlineIsTheFactorTimesTheOthersTime() {
    assertThat(StragglerCutoff.deadline(1_000, 3_000, 4.0)).isEqualTo(9_000);
    assertThat(StragglerCutoff.deadline(1_000, 500, 4.0)).as("clock read before the post").isEqualTo(1_000);
    assertThat(StragglerCutoff.leaveOut(true, new boolean[] {false, true}, 10)).containsExactly(false, false);
    assertThat(StragglerCutoff.leaveOut(true, new boolean[] {false, true}, 11)).containsExactly(false, true);
    assertThat(StragglerCutoff.leaveOut(false, new boolean[] {false, true}, 11)).containsExactly(false, false);
  }

  private static RunOutcome run(boolean leaveOut, SlowRemote slow, List<AppliedRound> applied, ByteArrayOutputStream log)
      throws IOException {
    PlanDocument plan = RunnerAccess.planDocument(JobYaml.named("stragglers").model("mlp").algorithm("biasedLocalSGD").epochs(4)
        .perWorkerBatch(10).training("seed", "5")
        .spec("allocation", "{localSteps: {policy: fixed, base: 2}, rebalance: {leaveOutStragglers: " + leaveOut + "}}")
        .dataPath("/data").cpuPool("cpu", 3));
    CoordinatorConfig config = JobSetup.coordinatorConfig(plan, 600, new boolean[MODEL], 0.001, null, 1);
    List<WorkerHandle> workers = List.of(new CoordinatorFaultsTest.FakeWorker(0, r -> false, -1),
        new CoordinatorFaultsTest.FakeWorker(1, r -> false, -1), slow);
    return new Coordinator(config, workers, CoordinatorFaultsTest.EVAL, new TrainingListener() {
      @Override
      public void onApplied(AppliedRound round) {
        applied.add(round);
      }
    }).log(new PrintStream(log, true, StandardCharsets.UTF_8)).run(new float[MODEL]);
  }
}
