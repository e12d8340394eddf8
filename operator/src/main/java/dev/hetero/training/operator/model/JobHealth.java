package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.CoordinatorStatus;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.operator.model.Conditions.Wanted;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a reconcile's outcome implies besides the phase: the Degraded, CoordinatorReady and
 * CheckpointReady conditions, the describe table, the coordinator record, and the Events of their
 * changes. Pure: derived from the observation and the plan the steps settled on.
 */
record JobHealth(PhaseCalculator.Health health, List<String> assignments, CoordinatorStatus coordinator, List<JobEvent> events) {

  static JobHealth derive(JobObservation obs, JobPhase phase, HeteroTrainingJobSpec spec, Optional<PersistentVolumeClaim> claim,
      List<PlannedWorker> plan, boolean active, List<RestartRecord> restarts, Set<String> createdPods) {
    HeteroTrainingJobStatus previous = obs.status();
    CoordinatorStatus record = previous == null ? null : previous.coordinator();
    List<JobEvent> events = new ArrayList<>();
    Wanted checkpoint = CheckpointVolume.condition(obs.name(), obs.namespace(), obs.job().getMetadata().getUid(),
        spec == null ? null : spec.checkpoint(), claim);
    List<WorkerAvailability.Missing> missing = WorkerAvailability.missing(plan, obs.podsByWorker(), obs.nodes(), restarts, obs.now())
        .stream().map(m -> createdPods.contains(m.worker()) && !obs.podsByWorker().containsKey(m.worker())
            ? new WorkerAvailability.Missing(m.worker(), WorkerAvailability.NOT_SCHEDULED, obs.now()) : m).toList();
    Wanted degraded = WorkerAvailability.degraded(phase, plan.size(), missing);
    Wanted coordinator;
    if (active) {
      String rank0 = coordinator(plan);
      var tracked = CoordinatorTracker.track(rank0, obs.podsByWorker().get(rank0), record,
          previous == null ? null : previous.training(), previousCondition(obs, ConditionType.CoordinatorReady).orElse(null));
      record = tracked.record();
      coordinator = tracked.condition();
      events.addAll(tracked.events());
    } else {
      coordinator = CoordinatorTracker.notRunning("job is " + phase);
    }
    List<String> table = AssignmentTable.rows(plan, previous == null ? null : previous.workers(), missing);
    // Events of changes a user wants to hear about, on the change only (folded by key if repeated).
    Optional<JobCondition> wasDegraded = previousCondition(obs, ConditionType.Degraded);
    if (degraded.status() && wasDegraded.map(c -> !"True".equals(c.status())).orElse(true)) {
      events.add(new JobEvent(Reason.Degraded, missing.stream().map(WorkerAvailability.Missing::worker).toList().toString(),
          degraded.message()));
    } else if (!degraded.status() && degraded.reason() == Reason.AllWorkersTraining
        && wasDegraded.map(c -> "True".equals(c.status())).orElse(false)) {
      events.add(new JobEvent(Reason.Recovered, "", "all " + plan.size() + " worker(s) train again"));
    }
    if (active && previous != null) {
      // the trainer's rows of a job no longer running are stale: no straggler news from them
      events.addAll(StragglerEvents.of(previous.workers()));
    }
    // The checkpoint volume: ephemeral (once), or a claim that exists and cannot be used (not while it is being created).
    Optional<JobCondition> wasCheckpoint = previousCondition(obs, ConditionType.CheckpointReady);
    // A claim merely waiting to bind is no news (the condition says so); one that cannot bind, or is gone, is.
    boolean checkpointChanged = wasCheckpoint.map(c -> !checkpoint.reason().name().equals(c.reason())
        || c.message().startsWith("creating ")).orElse(true);
    boolean unusable = !checkpoint.status() && checkpoint.reason() != Reason.NotPlanned
        && (checkpoint.reason() != Reason.ClaimPending || checkpoint.message().contains("no default StorageClass"));
    if (checkpointChanged && (checkpoint.reason() == Reason.EphemeralCheckpoints || unusable)) {
      events.add(new JobEvent(checkpoint.reason(), "", checkpoint.message()));
    }
    return new JobHealth(new PhaseCalculator.Health(degraded, coordinator, checkpoint), table, record, events);
  }

  static Optional<JobCondition> previousCondition(JobObservation obs, ConditionType type) {
    return obs.status() == null ? Optional.empty() : Conditions.find(obs.status().conditions(), type);
  }

  static String coordinator(List<PlannedWorker> plan) {
    return plan.stream().filter(w -> w.rank() == 0).map(PlannedWorker::worker).findFirst()
        .orElseThrow(() -> new IllegalStateException("plan without rank 0"));
  }
}
