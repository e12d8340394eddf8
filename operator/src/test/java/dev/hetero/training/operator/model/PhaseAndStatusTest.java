package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhaseAndStatusTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static WorkerPodState state(String phase) {
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withUid("u").endMetadata().withNewStatus().withPhase(phase)
        .endStatus().build();
    return WorkerPodState.of(pod, T0);
  }

  @Test
  void activePhaseFollowsTheWorkersAndTheCoordinator() {
    List<String> planned = List.of("c", "w");
    assertThat(PhaseCalculator.activePhase(Map.of("c", state("Running")), planned, "c", JobPhase.Planned))
        .isEqualTo(JobPhase.Planned);
    assertThat(PhaseCalculator.activePhase(Map.of("c", state("Running"), "w", state("Running")), planned, "c",
        JobPhase.Planned)).isEqualTo(JobPhase.Running);
    // A worker restarting does not demote a running job while the coordinator runs.
    assertThat(PhaseCalculator.activePhase(Map.of("c", state("Running"), "w", state("Failed")), planned, "c",
        JobPhase.Running)).isEqualTo(JobPhase.Running);
    assertThat(PhaseCalculator.activePhase(Map.of("c", state("Succeeded"), "w", state("Running")), planned, "c",
        JobPhase.Running)).isEqualTo(JobPhase.Succeeded);
  }

  @Test
  void everyPhaseReportsEveryConditionOncePerTypeInDescribeOrder() {
    for (JobPhase phase : JobPhase.values()) {
      var wanted = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(phase, Reason.Planned, "message"));
      // Queued is the eleventh, only on jobs labelled kueue.x-k8s.io/queue-name (QueuedCondition adds it).
      assertThat(wanted).extracting(Conditions.Wanted::type).containsExactly(ConditionType.Planned, ConditionType.Pending,
          ConditionType.Running, ConditionType.Degraded, ConditionType.CoordinatorReady, ConditionType.CheckpointReady,
          ConditionType.Suspended, ConditionType.Succeeded, ConditionType.Failed, ConditionType.Unschedulable);
      assertThat(wanted).filteredOn(Conditions.Wanted::status).extracting(w -> w.type().name())
          .allMatch(type -> !type.equals("Failed") || phase == JobPhase.Failed);
    }
  }

  @Test
  void pendingIsTrueWhileTheJobWaitsToTrainAndRunningOnlyWhileItTrains() {
    // Kubeflow Trainer #2713: users expect Pending until the job runs, Running while it runs, each by type.
    for (JobPhase phase : JobPhase.values()) {
      var wanted = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(phase, Reason.Planned, "message"));
      boolean waiting = phase == JobPhase.Pending || phase == JobPhase.Planned || phase == JobPhase.Queued
          || phase == JobPhase.Unschedulable;
      assertThat(wanted).filteredOn(w -> w.type() == ConditionType.Pending).singleElement()
          .satisfies(w -> assertThat(w.status()).as(phase.name()).isEqualTo(waiting));
      assertThat(wanted).filteredOn(w -> w.type() == ConditionType.Running).singleElement()
          .satisfies(w -> assertThat(w.status()).as(phase.name()).isEqualTo(phase == JobPhase.Running));
    }
    var waitingForClaim = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(JobPhase.Planned, Reason.WorkersStarting, "m"),
        null, new PhaseCalculator.Health(WorkerAvailability.degraded(JobPhase.Planned, 2, List.of()),
            CoordinatorTracker.notRunning("x"), new Conditions.Wanted(ConditionType.CheckpointReady, false, Reason.ClaimPending,
                "PersistentVolumeClaim j-checkpoints is Pending: ...")));
    assertThat(waitingForClaim).filteredOn(w -> w.type() == ConditionType.Pending).singleElement().satisfies(w -> {
      assertThat(w.reason()).isEqualTo(Reason.WaitingForCheckpointVolume);
      assertThat(w.message()).startsWith("PersistentVolumeClaim j-checkpoints is Pending");
    });
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusDoes() {
    var running = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(JobPhase.Running, Reason.WorkersRunning, "m"));
    List<JobCondition> first = Conditions.merge(null, running, 1, T0);
    List<JobCondition> again = Conditions.merge(first, running, 2, T0.plusSeconds(60));
    assertThat(Conditions.find(again, ConditionType.Running).orElseThrow().lastTransitionTime()).isEqualTo(T0.toString());
    assertThat(Conditions.find(again, ConditionType.Running).orElseThrow().observedGeneration()).isEqualTo(2);
    var done = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(JobPhase.Succeeded, Reason.Completed, "m"));
    List<JobCondition> later = Conditions.merge(again, done, 2, T0.plusSeconds(120));
    assertThat(Conditions.find(later, ConditionType.Running).orElseThrow().lastTransitionTime())
        .isEqualTo(T0.plusSeconds(120).toString());
    assertThat(Conditions.find(later, ConditionType.Failed).orElseThrow().lastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void statusNeverCarriesTheTrainersFieldsAndIsStableWhenNothingChanged() {
    PlannedWorker w = Fixtures.worker("j-cpu-0", 0, "n", "cpu", DeviceClass.CPU);
    var facts = new JobStatuses.Facts(new PhaseCalculator.Verdict(JobPhase.Planned, Reason.WorkersStarting, "m"), List.of(w),
        List.of(), "0/1", T0.toString(), null, List.of(), null);
    HeteroTrainingJobStatus first = JobStatuses.next(null, facts, 3, T0);
    HeteroTrainingJobStatus withTrainer = new HeteroTrainingJobStatus(first.observedGeneration(), first.phase(),
        first.conditions(), first.plan(), first.pools(), first.workersReady(),
        TrainingProgress.of(5L, 0.1, 100L, 1.0, 0.5, 10.0, T0.toString(), null), null, first.startTime(),
        first.completionTime(), first.restartCount(), first.restarts());
    HeteroTrainingJobStatus second = JobStatuses.next(withTrainer, facts, 3, T0.plusSeconds(30));
    assertThat(second.training()).isNull();
    assertThat(second.workers()).isNull();
    assertThat(second).isEqualTo(JobStatuses.operatorPart(withTrainer));
    assertThat(second.observedGeneration()).isEqualTo(3);
  }

  @Test
  void restartsAreCountedPerReason() {
    var ledger = JobStatuses.recordRestart(null, "PodFailed", "a", T0);
    ledger = JobStatuses.recordRestart(ledger, "OOMKilled", "b", T0);
    ledger = JobStatuses.recordRestart(ledger, "PodFailed", "c", T0.plusSeconds(1));
    assertThat(ledger).extracting(r -> r.reason() + "=" + r.count() + "@" + r.lastWorker())
        .containsExactly("PodFailed=2@c", "OOMKilled=1@b");
    assertThat(JobStatuses.restartCount(ledger)).isEqualTo(3);
    // Kueue's evictions are in the ledger but not failures: they count neither against backoffLimit nor in restartCount.
    ledger = JobStatuses.recordRestart(ledger, "Preempted", "a", T0.plusSeconds(2));
    ledger = JobStatuses.recordRestart(ledger, "EvictedByKueue", "a", T0.plusSeconds(3));
    assertThat(ledger).extracting(r -> r.reason() + "=" + r.count())
        .containsExactly("PodFailed=2", "OOMKilled=1", "Preempted=1", "EvictedByKueue=1");
    assertThat(JobStatuses.restartCount(ledger)).isEqualTo(3);
  }

  @Test
  void failedPodsAreClassifiedByReason() {
    Pod oom = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Failed")
        .addNewContainerStatus().withName("trainer").withNewState().withNewTerminated().withReason("OOMKilled")
        .withExitCode(137).withFinishedAt(T0.toString()).endTerminated().endState().endContainerStatus().endStatus().build();
    WorkerPodState s = WorkerPodState.of(oom, T0.plusSeconds(99));
    assertThat(s.failureReason()).isEqualTo("OOMKilled");
    assertThat(s.finishedAt()).isEqualTo(T0);
    Pod evicted = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Failed")
        .withReason("Evicted").endStatus().build();
    assertThat(WorkerPodState.of(evicted, T0).failureReason()).isEqualTo("Evicted");
    assertThat(WorkerPodState.of(evicted, T0).finishedAt()).isEqualTo(T0);
    Pod noCuda = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Failed")
        .addNewContainerStatus().withName("trainer").withNewState().withNewTerminated().withReason("Error").withExitCode(69)
        .withMessage("Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nerror: worker p (pool gpu) asked for a CUDA device\n")
        .withFinishedAt(T0.toString()).endTerminated().endState().endContainerStatus().endStatus().build();
    assertThat(WorkerPodState.of(noCuda, T0).failureReason()).isEqualTo("NoCudaDevice");
    assertThat(WorkerPodState.lastWords(noCuda)).isEqualTo("error: worker p (pool gpu) asked for a CUDA device");
    assertThat(WorkerPodState.lastWords(oom)).isNull();
  }
}
