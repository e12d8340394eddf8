package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.api.v1alpha1.WorkerRole;
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
  void everyPhaseReportsAllSixConditionsOnePerType() {
    for (JobPhase phase : JobPhase.values()) {
      var wanted = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(phase, "Because", "message"));
      assertThat(wanted).extracting(Conditions.Wanted::type).containsExactlyInAnyOrder(ConditionType.values());
      assertThat(wanted).filteredOn(Conditions.Wanted::status).extracting(w -> w.type().name())
          .allMatch(type -> !type.equals("Failed") || phase == JobPhase.Failed);
    }
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusDoes() {
    var running = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(JobPhase.Running, "WorkersRunning", "m"));
    List<JobCondition> first = Conditions.merge(null, running, 1, T0);
    List<JobCondition> again = Conditions.merge(first, running, 2, T0.plusSeconds(60));
    assertThat(Conditions.find(again, ConditionType.Running).orElseThrow().lastTransitionTime()).isEqualTo(T0.toString());
    assertThat(Conditions.find(again, ConditionType.Running).orElseThrow().observedGeneration()).isEqualTo(2);
    var done = PhaseCalculator.conditionsFor(new PhaseCalculator.Verdict(JobPhase.Succeeded, "Completed", "m"));
    List<JobCondition> later = Conditions.merge(again, done, 2, T0.plusSeconds(120));
    assertThat(Conditions.find(later, ConditionType.Running).orElseThrow().lastTransitionTime())
        .isEqualTo(T0.plusSeconds(120).toString());
    assertThat(Conditions.find(later, ConditionType.Failed).orElseThrow().lastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void statusNeverCarriesTheTrainersFieldsAndIsStableWhenNothingChanged() {
    PlannedWorker w = new PlannedWorker("j-cpu-0", 0, "n", "cpu", DeviceClass.CPU, 1.0, 32, 1, 1.0, WorkerRole.FAST);
    var facts = new JobStatuses.Facts(new PhaseCalculator.Verdict(JobPhase.Planned, "WorkersStarting", "m"), List.of(w),
        List.of(), "0/1", T0.toString(), null, List.of());
    HeteroTrainingJobStatus first = JobStatuses.next(null, facts, 3, T0);
    HeteroTrainingJobStatus withTrainer = new HeteroTrainingJobStatus(first.observedGeneration(), first.phase(),
        first.conditions(), first.plan(), first.pools(), first.workersReady(),
        new TrainingProgress(5L, 0.1, 100L, 1.0, 0.5, 10.0, T0.toString()), null, first.startTime(),
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
  }
}
