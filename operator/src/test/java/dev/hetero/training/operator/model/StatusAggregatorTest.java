package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.Fixtures;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one place a reconcile's outcome becomes status, Events and a requeue: pure, on fixed instants. */
class StatusAggregatorTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final HeteroTrainingJob JOB = job();
  static final HeteroTrainingJobSpec SPEC = SpecDefaults.apply(JOB.getSpec());
  static final List<PlannedWorker> PLAN = List.of(Fixtures.worker("j-gpu-0", 0, "g", "gpu", DeviceClass.GPU),
      Fixtures.worker("j-cpu-0", 1, "c", "cpu", DeviceClass.CPU));

  static HeteroTrainingJob job() {
    HeteroTrainingJob job = Fixtures.job("j", "ns");
    job.getMetadata().setGeneration(3L);
    job.getMetadata().setUid("uid");
    return job;
  }

  static JobObservation observe(HeteroTrainingJobStatus previous, Map<String, WorkerPodState> pods, Instant now) {
    return new JobObservation(JOB, previous, pods, List.of(), List.of(), Optional.empty(), now);
  }

  static WorkerPodState pod(String name, String phase) {
    return WorkerPodState.of(new PodBuilder().withNewMetadata().withName(name).withUid(name).endMetadata().withNewStatus()
        .withPhase(phase).addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build(), T0);
  }

  static Map<String, WorkerPodState> allRunning() {
    return Map.of("j-gpu-0", pod("j-gpu-0", "Running"), "j-cpu-0", pod("j-cpu-0", "Running"));
  }

  @Test
  void anActiveJobBecomesRunningOnceWithItsEventAndStartTime() {
    StatusAggregator first = new StatusAggregator(observe(null, allRunning(), T0));
    first.active(SPEC, PLAN);
    HeteroTrainingJobStatus running = first.status();
    assertThat(running.phase()).isEqualTo(JobPhase.Running);
    assertThat(running.startTime()).isEqualTo(T0.toString());
    assertThat(running.observedGeneration()).isEqualTo(3L);
    assertThat(running.workersReady()).isEqualTo("2/2");
    assertThat(first.becameRunning()).isTrue();
    assertThat(first.events()).extracting(JobEvent::reason).containsExactly(Reason.Running);

    StatusAggregator again = new StatusAggregator(observe(running, allRunning(), T0.plusSeconds(60)));
    again.active(SPEC, PLAN);
    assertThat(again.status()).as("nothing changed: equal, so no write").isEqualTo(running);
    assertThat(again.events()).isEmpty();
    assertThat(again.becameRunning()).isFalse();
  }

  @Test
  void aWorkerTheTrainerMarksStragglerBecomesAStragglerDetectedWarningWhileTheJobRuns() {
    StatusAggregator first = new StatusAggregator(observe(null, allRunning(), T0));
    first.active(SPEC, PLAN);
    HeteroTrainingJobStatus r = first.status();
    HeteroTrainingJobStatus reported = new HeteroTrainingJobStatus(r.observedGeneration(), r.phase(), r.conditions(), r.plan(),
        r.pools(), r.workersReady(), r.training(), List.of(new WorkerStatus("j-gpu-0", "Training", 900.0, 7L),
            new WorkerStatus("j-cpu-0", "Straggler", 20.0, 7L).withWork(32, 1, 0.5, 1.6)), r.startTime(), r.completionTime(),
        r.restartCount(), r.restarts(), r.assignments(), r.coordinator());

    StatusAggregator next = new StatusAggregator(observe(reported, allRunning(), T0.plusSeconds(30)));
    next.active(SPEC, PLAN);
    assertThat(next.events()).filteredOn(e -> e.reason() == Reason.StragglerDetected).singleElement()
        .satisfies(e -> assertThat(e.key()).isEqualTo("j-cpu-0"));
  }

  @Test
  void aQueuedJobIsQueuedWithoutAStartTimeUntilKueueAdmitsIt() {
    var waiting = new dev.hetero.training.operator.kueue.QueueVerdict(true, Reason.WaitingForQuota,
        "Workload j (LocalQueue q): insufficient quota", Optional.empty(), false);
    StatusAggregator queued = new StatusAggregator(observe(null, allRunning(), T0));
    queued.queued(waiting);
    queued.active(SPEC, PLAN);
    HeteroTrainingJobStatus inQueue = queued.status();
    assertThat(inQueue.phase()).isEqualTo(JobPhase.Queued);
    assertThat(inQueue.startTime()).as("time in the queue is not run time").isNull();
    assertThat(Conditions.isTrueBecause(inQueue.conditions(), ConditionType.Queued, Reason.WaitingForQuota)).isTrue();
    assertThat(Conditions.message(inQueue.conditions(), ConditionType.Planned)).hasValueSatisfying(
        m -> assertThat(m).contains("insufficient quota"));
    assertThat(inQueue.conditions()).hasSize(11);
    assertThat(queued.becameRunning()).isFalse();

    var admitted = new dev.hetero.training.operator.kueue.QueueVerdict(false, Reason.Admitted, "admitted by ClusterQueue cq",
        Optional.empty(), false);
    StatusAggregator running = new StatusAggregator(observe(inQueue, allRunning(), T0.plusSeconds(30)));
    running.queued(admitted);
    running.active(SPEC, PLAN);
    HeteroTrainingJobStatus afterAdmission = running.status();
    assertThat(afterAdmission.phase()).isEqualTo(JobPhase.Running);
    assertThat(afterAdmission.startTime()).isEqualTo(T0.plusSeconds(30).toString());
    assertThat(Conditions.find(afterAdmission.conditions(), ConditionType.Queued)).get()
        .satisfies(c -> assertThat(c.status()).isEqualTo("False"));
  }

  @Test
  void aFailureIsAnnouncedOnceAndKeepsItsCompletionTime() {
    StatusAggregator first = new StatusAggregator(observe(null, Map.of(), T0));
    first.failed(Reason.InvalidSpec, "invalid spec: x", null);
    HeteroTrainingJobStatus failed = first.status();
    assertThat(failed.phase()).isEqualTo(JobPhase.Failed);
    assertThat(failed.completionTime()).isEqualTo(T0.toString());
    assertThat(Conditions.isTrueBecause(failed.conditions(), ConditionType.Failed, Reason.InvalidSpec)).isTrue();
    assertThat(Conditions.isTrue(failed.conditions(), ConditionType.Planned)).as("an invalid spec was never planned").isFalse();
    assertThat(first.events()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(Reason.InvalidSpec);
      assertThat(e.message()).isEqualTo("invalid spec: x");
    });

    StatusAggregator same = new StatusAggregator(observe(failed, Map.of(), T0.plusSeconds(30)));
    same.failed(Reason.InvalidSpec, "invalid spec: x", null);
    assertThat(same.status()).isEqualTo(failed);
    assertThat(same.events()).isEmpty();
    StatusAggregator other = new StatusAggregator(observe(failed, Map.of(), T0.plusSeconds(30)));
    other.failed(Reason.InvalidSpec, "invalid spec: y", null);
    assertThat(other.status().completionTime()).isEqualTo(T0.toString());
    assertThat(other.events()).extracting(JobEvent::message).containsExactly("invalid spec: y");
  }

  @Test
  void aProblemThatBlocksProgressIsInTheRunningConditionAndGoneOnceItIs() {
    StatusAggregator blocked = new StatusAggregator(observe(null, Map.of(), T0));
    blocked.active(SPEC, PLAN);
    blocked.blocked(Reason.WorkerCreateRefused, "the API server refused 1 worker pod(s): quota");
    HeteroTrainingJobStatus status = blocked.status();
    assertThat(status.phase()).isEqualTo(JobPhase.Planned);
    var running = Conditions.find(status.conditions(), ConditionType.Running).orElseThrow();
    assertThat(running.status()).isEqualTo("False");
    assertThat(running.reason()).isEqualTo("WorkerCreateRefused");
    assertThat(running.message()).contains("quota");
    assertThat(blocked.events()).extracting(JobEvent::reason).containsExactly(Reason.WorkerCreateRefused);

    StatusAggregator recovered = new StatusAggregator(observe(status, Map.of(), T0.plusSeconds(30)));
    recovered.active(SPEC, PLAN);
    assertThat(Conditions.find(recovered.status().conditions(), ConditionType.Running).orElseThrow().reason())
        .isEqualTo("WorkersStarting");
  }

  @Test
  void aFinishedJobIsKeptAsItIsAndTheEarliestWakeUpWins() {
    StatusAggregator done = new StatusAggregator(observe(null, Map.of("j-gpu-0", pod("j-gpu-0", "Succeeded")), T0));
    done.active(SPEC, PLAN);
    HeteroTrainingJobStatus succeeded = done.status();
    assertThat(succeeded.phase()).isEqualTo(JobPhase.Succeeded);
    assertThat(succeeded.completionTime()).isEqualTo(T0.toString());
    assertThat(done.finished()).isTrue();
    assertThat(done.events()).extracting(JobEvent::reason).containsExactly(Reason.Completed);

    StatusAggregator later = new StatusAggregator(observe(succeeded, Map.of(), T0.plusSeconds(600)));
    later.keep();
    later.wakeAt(T0.plusSeconds(900));
    later.wakeAt(T0.plusSeconds(700));
    assertThat(later.status()).isEqualTo(succeeded);
    assertThat(later.events()).isEmpty();
    assertThat(later.wakeUp()).contains(T0.plusSeconds(700));
    assertThat(new StatusAggregator(observe(succeeded, Map.of(), T0)).wakeUp()).isEmpty();
  }

  @Test
  void restartsAreRecordedAtTheReconcilesInstantAndCounted() {
    StatusAggregator status = new StatusAggregator(observe(null, Map.of(), T0));
    status.active(SPEC, PLAN);
    status.restarted("OOMKilled", "j-cpu-0");
    status.restarted("OOMKilled", "j-cpu-0");
    assertThat(status.restartCount()).isEqualTo(2);
    assertThat(status.status().restarts()).singleElement().satisfies(r -> {
      assertThat(r.count()).isEqualTo(2);
      assertThat(r.lastTime()).isEqualTo(T0.toString());
    });
    assertThat(status.status().restartCount()).isEqualTo(2);
  }
}
