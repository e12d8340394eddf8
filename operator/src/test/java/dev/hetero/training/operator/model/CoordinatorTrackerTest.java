package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.CoordinatorStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Whose report status.training is: a coordinator restart is stale at once, and the round it resumed from is told. */
class CoordinatorTrackerTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final String W = "j-gpu-0";

  static WorkerPodState pod(String uid, String phase, boolean deleting) {
    var b = new PodBuilder().withNewMetadata().withName(W).withUid(uid).endMetadata().withNewStatus().withPhase(phase)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    if (deleting) {
      b.editMetadata().withDeletionTimestamp(T0.toString()).endMetadata();
    }
    return WorkerPodState.of(b.build(), T0);
  }

  static TrainingProgress report(String startedAt, Long resumedFrom, long round) {
    return TrainingProgress.of(round, 0.5, 1000L, 0.3, 0.8, 100.0, T0.toString(), null, startedAt, resumedFrom, null);
  }

  static JobCondition condition(CoordinatorTracker.Outcome o) {
    return new JobCondition("CoordinatorReady", o.condition().status() ? "True" : "False", 1L, T0.toString(),
        o.condition().reason().name(), o.condition().message());
  }

  @Test
  void theFirstReportMakesItReadyFromRoundZeroWithoutAnEvent() {
    var before = CoordinatorTracker.track(W, pod("u1", "Running", false), null, null, null);
    assertThat(before.condition().status()).isFalse();
    assertThat(before.condition().reason()).isEqualTo(Reason.CoordinatorStarting);
    var first = CoordinatorTracker.track(W, pod("u1", "Running", false), before.record(), report("t1", null, 0), condition(before));
    assertThat(first.record()).isEqualTo(new CoordinatorStatus(W, "u1", "t1", null, 0));
    assertThat(first.condition().status()).isTrue();
    assertThat(first.condition().reason()).isEqualTo(Reason.StartedFromScratch);
    assertThat(first.events()).isEmpty();
  }

  @Test
  void aDeletedCoordinatorMakesTrainingStaleAtOnceThenTheNewOneTellsTheRoundItResumedFrom() {
    CoordinatorStatus running = new CoordinatorStatus(W, "u1", "t1", null, 0);
    JobCondition ready = new JobCondition("CoordinatorReady", "True", 1L, T0.toString(), "StartedFromScratch", "m");
    // Being deleted (SIGTERM, checkpointing): stale now, one event.
    var deleting = CoordinatorTracker.track(W, pod("u1", "Running", true), running, report("t1", null, 42), ready);
    assertThat(deleting.condition().status()).isFalse();
    assertThat(deleting.condition().reason()).isEqualTo(Reason.CoordinatorRestarting);
    assertThat(deleting.condition().message()).contains("round 42", "stale");
    assertThat(deleting.events()).extracting(JobEvent::reason).containsExactly(Reason.CoordinatorRestarting);
    // Gone, then a new pod whose trainer has not reported: still stale, no second event.
    var gone = CoordinatorTracker.track(W, null, deleting.record(), report("t1", null, 42), condition(deleting));
    assertThat(gone.events()).isEmpty();
    var fresh = CoordinatorTracker.track(W, pod("u2", "Running", false), gone.record(), report("t1", null, 42), condition(gone));
    assertThat(fresh.condition().reason()).isEqualTo(Reason.CoordinatorRestarting);
    assertThat(fresh.record()).isEqualTo(running);
    assertThat(fresh.events()).isEmpty();
    // The new trainer's first report: a new start, resumed from the checkpoint of round 40.
    var resumed = CoordinatorTracker.track(W, pod("u2", "Running", false), fresh.record(), report("t2", 40L, 40), condition(fresh));
    assertThat(resumed.record()).isEqualTo(new CoordinatorStatus(W, "u2", "t2", 40L, 1));
    assertThat(resumed.condition().status()).isTrue();
    assertThat(resumed.condition().reason()).isEqualTo(Reason.ResumedFromCheckpoint);
    assertThat(resumed.condition().message()).contains("round 40");
    assertThat(resumed.events()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(Reason.TrainingResumed);
      assertThat(e.message()).contains("resumed from the checkpoint of round 40", "coordinator restart 1");
    });
    // Reported again by the same trainer: nothing new.
    var again = CoordinatorTracker.track(W, pod("u2", "Running", false), resumed.record(), report("t2", 40L, 47), condition(resumed));
    assertThat(again.record()).isEqualTo(resumed.record());
    assertThat(again.events()).isEmpty();
  }

  @Test
  void aNewCoordinatorWithoutACheckpointSaysItStartsAgainFromRoundZero() {
    CoordinatorStatus running = new CoordinatorStatus(W, "u1", "t1", null, 0);
    var restarted = CoordinatorTracker.track(W, pod("u2", "Running", false), running, report("t2", null, 0), null);
    assertThat(restarted.events()).extracting(JobEvent::reason).containsExactly(Reason.TrainingRestartedFromScratch);
    assertThat(restarted.condition().reason()).isEqualTo(Reason.StartedFromScratch);
  }

  @Test
  void aCoordinatorThatExitedZeroHasItsFinalReport() {
    var done = CoordinatorTracker.track(W, pod("u1", "Succeeded", false), new CoordinatorStatus(W, "u1", "t1", null, 0),
        report("t1", null, 90), null);
    assertThat(done.condition().reason()).isEqualTo(Reason.CoordinatorExited);
    assertThat(done.events()).isEmpty();
  }
}
