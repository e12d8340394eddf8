package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolStatus;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.operator.kueue.QueueVerdict;
import dev.hetero.training.operator.kueue.QueuedCondition;
import dev.hetero.training.operator.model.PhaseCalculator.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one reconcile found and did, collected step by step (Keycloak's status aggregator): each
 * step reports its outcome here, and the end of the reconcile derives from it, once, the status
 * to record, the Events to emit and when to look again. Pure: no I/O, no clock of its own.
 */
public final class StatusAggregator {
  /** How far the reconcile got: the job's state after it. */
  private sealed interface Outcome {
  }

  /** Finished before this reconcile: the status stays as it is. */
  private record Kept() implements Outcome {
  }

  private record Failed(Reason reason, String message, HeteroTrainingJobSpec spec) implements Outcome {
  }

  private record Suspended(int podsDeleted) implements Outcome {
  }

  private record Unschedulable(String message) implements Outcome {
  }

  /** Planned and acting: the phase follows from the worker pods. */
  private record Active(HeteroTrainingJobSpec spec, List<PlannedWorker> plan) implements Outcome {
  }

  private final JobObservation obs;
  private Outcome outcome = new Kept();
  private List<RestartRecord> restarts;
  private final List<JobEvent> events = new ArrayList<>();
  private final List<Instant> wakeUps = new ArrayList<>();
  private Problem blocked;
  /** Where a job queued by Kueue stands; null for other jobs, or when the reconcile did not get that far. */
  private QueueVerdict queue;
  /** The defaulted spec once validated (null before, or when invalid): its budgets and checkpoint volume. */
  private HeteroTrainingJobSpec validSpec;
  /** Derived once per reconcile (status() and events() both need them). */
  private JobHealth derived;

  public StatusAggregator(JobObservation obs) {
    this.obs = obs;
    this.restarts = obs.restarts();
  }

  /** The checkpoint claim this reconcile created (the observation predates it). */
  private io.fabric8.kubernetes.api.model.PersistentVolumeClaim createdClaim;

  /** Worker pods this reconcile created (the observation predates them). */
  private final java.util.Set<String> createdPods = new java.util.HashSet<>();

  public void podsCreated(java.util.Collection<String> workers) {
    createdPods.addAll(workers);
  }

  public void checkpointClaimCreated(io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim) {
    createdClaim = claim;
    event(Reason.CheckpointClaimCreated, claim.getMetadata().getName(), "created PersistentVolumeClaim "
        + claim.getMetadata().getName() + " for the checkpoints" + (claim.getMetadata().getOwnerReferences() == null
        || claim.getMetadata().getOwnerReferences().isEmpty() ? " (whenDeleted: Retain: it outlives the job)" : " (deleted with the job)"));
  }

  /** The spec is valid (defaulted): its restart budgets and checkpoint volume apply, whatever the outcome. */
  public void validated(HeteroTrainingJobSpec spec) {
    validSpec = spec;
  }

  /** The job finished before: nothing about its status changes. */
  public void keep() {
    outcome = new Kept();
  }

  /** The job fails; {@code spec} is null when it cannot be trusted (an invalid spec). */
  public void failed(Reason reason, String message, HeteroTrainingJobSpec spec) {
    outcome = new Failed(reason, message, spec);
  }

  public void suspended(int podsDeleted) {
    outcome = new Suspended(podsDeleted);
  }

  public void unschedulable(String message) {
    outcome = new Unschedulable(message);
  }

  /** The job runs this plan; the phase comes from its pods. */
  public void active(HeteroTrainingJobSpec spec, List<PlannedWorker> plan) {
    outcome = new Active(spec, plan);
  }

  /** A worker was recreated for this reason. */
  public void restarted(String reason, String worker) {
    restartedAt(reason, worker, obs.now());
  }

  /** A restart recorded at a given instant (a Kueue eviction, at the time it was evicted or later). */
  public void restartedAt(String reason, String worker, Instant at) {
    restarts = JobStatuses.recordRestart(restarts, reason, worker, at);
  }

  /** The restarts recorded so far, this reconcile's included. */
  public List<RestartRecord> restarts() {
    return restarts;
  }

  /** A queued job: what Kueue says about it. While it waits, an active job's phase is Queued. */
  public void queued(QueueVerdict verdict) {
    queue = verdict;
  }

  private boolean waitingInQueue() {
    return queue != null && queue.waiting();
  }

  public int restartCount() {
    return JobStatuses.restartCount(restarts);
  }

  public void event(Reason reason, String key, String message) {
    events.add(new JobEvent(reason, key, message));
  }

  public void wakeAt(Instant at) {
    wakeUps.add(at);
  }

  /** Something keeps the job from progressing: shown in its Running condition and as a Warning event. */
  public void blocked(Reason reason, String message) {
    if (blocked == null) {
      blocked = new Problem(reason, message);
    }
    event(reason, message, message);
  }

  /** The phase after this reconcile. */
  public JobPhase phase() {
    if (outcome instanceof Failed) {
      return JobPhase.Failed;
    }
    if (outcome instanceof Suspended) {
      return JobPhase.Suspended;
    }
    if (outcome instanceof Unschedulable) {
      return JobPhase.Unschedulable;
    }
    if (outcome instanceof Active a) {
      if (waitingInQueue()) {
        return JobPhase.Queued;
      }
      return PhaseCalculator.activePhase(obs.podsByWorker(), a.plan().stream().map(PlannedWorker::worker).toList(),
          coordinator(a.plan()), obs.previousPhase());
    }
    return obs.previousPhase();
  }

  /** Finished by this reconcile or before: cleanPodPolicy and TTL apply. */
  public boolean finished() {
    return phase().isFinished();
  }

  /** The defaulted spec this reconcile acted on, when it could trust one. */
  public Optional<HeteroTrainingJobSpec> spec() {
    if (outcome instanceof Failed f) {
      return Optional.ofNullable(f.spec());
    }
    return outcome instanceof Active a ? Optional.of(a.spec()) : Optional.empty();
  }

  /** The workers of the plan this reconcile ended with (the previous one for finished jobs). */
  public List<PlannedWorker> plan() {
    return outcome instanceof Active a ? a.plan() : obs.previousPlan();
  }

  /** The operator's part of the status after this reconcile. */
  public HeteroTrainingJobStatus status() {
    if (outcome instanceof Kept) {
      return JobStatuses.operatorPart(obs.status());
    }
    return QueuedCondition.apply(JobStatuses.next(obs.status(), facts(), obs.generation(), obs.now()), obs.status(), queue,
        obs.generation(), obs.now());
  }

  private JobHealth derived() {
    if (derived == null) {
      List<PlannedWorker> plan = outcome instanceof Active a ? a.plan() : outcome instanceof Failed ? obs.previousPlan() : List.of();
      var claim = createdClaim != null ? Optional.of(createdClaim) : obs.checkpointClaim();
      derived = JobHealth.derive(obs, phase(), spec().orElse(validSpec), claim, plan, outcome instanceof Active, restarts,
          createdPods);
    }
    return derived;
  }

  private Optional<JobCondition> previousCondition(ConditionType type) {
    return JobHealth.previousCondition(obs, type);
  }

  private List<RestartRecord> annotatedRestarts() {
    HeteroTrainingJobSpec spec = spec().orElse(validSpec);
    return RestartBudget.annotate(restarts, spec == null ? null : spec.runPolicy());
  }

  private JobStatuses.Facts facts() {
    HeteroTrainingJobStatus previous = obs.status();
    String start = previous == null ? null : previous.startTime();
    JobHealth d = derived();
    List<RestartRecord> ledger = annotatedRestarts();
    if (outcome instanceof Failed f) {
      List<PoolStatus> pools = f.spec() == null ? null : JobStatuses.pools(f.spec(), obs.previousPlan(), obs.podsByWorker());
      String completion = obs.previousPhase() == JobPhase.Failed && previous.completionTime() != null
          ? previous.completionTime() : obs.now().toString();
      return new JobStatuses.Facts(new Verdict(JobPhase.Failed, f.reason(), f.message()), obs.previousPlan(), pools,
          pools == null ? null : JobStatuses.workersReady(pools), start, completion, ledger, null, d.health(), d.assignments(),
          d.coordinator());
    }
    if (outcome instanceof Suspended) {
      return new JobStatuses.Facts(new Verdict(JobPhase.Suspended, Reason.Suspended,
          "runPolicy.suspend is true; worker pods deleted"), null, null, null, null, null, ledger, blocked, d.health(), null,
          d.coordinator());
    }
    if (outcome instanceof Unschedulable u) {
      return new JobStatuses.Facts(new Verdict(JobPhase.Unschedulable, Reason.InsufficientCapacity, u.message()), null,
          null, null, null, null, ledger, blocked, d.health(), null, d.coordinator());
    }
    Active a = (Active) outcome;
    List<PoolStatus> pools = JobStatuses.pools(a.spec(), a.plan(), obs.podsByWorker());
    JobPhase phase = phase();
    // A queued job starts when Kueue first admits it: the deadline does not count time in the queue.
    String startTime = start != null || waitingInQueue() ? start : obs.now().toString();
    return new JobStatuses.Facts(activeVerdict(phase, a.plan(), queue), a.plan(), pools, JobStatuses.workersReady(pools),
        startTime, phase == JobPhase.Succeeded ? obs.now().toString() : null,
        ledger, phase.isFinished() ? null : blocked, d.health(), d.assignments(), d.coordinator());
  }

  private static Verdict activeVerdict(JobPhase phase, List<PlannedWorker> plan, QueueVerdict queue) {
    return switch (phase) {
      case Queued -> new Verdict(phase, queue.reason(), queue.message());
      case Succeeded -> new Verdict(phase, Reason.Completed, "the coordinator " + coordinator(plan) + " exited 0");
      case Running -> new Verdict(phase, Reason.WorkersRunning, "the coordinator and workers are running");
      default -> new Verdict(JobPhase.Planned, Reason.WorkersStarting,
          plan.size() + " worker(s) planned; waiting for their pods to run");
    };
  }

  /**
   * The Events of this reconcile: what the steps reported, then the transitions of the phase
   * (emitted only when the phase, or its message, changes).
   */
  public List<JobEvent> events() {
    List<JobEvent> all = new ArrayList<>(events);
    if (!(outcome instanceof Kept)) {
      all.addAll(derived().events());
    }
    JobPhase previous = obs.previousPhase();
    if (outcome instanceof Failed f) {
      if (previous != JobPhase.Failed || !f.message().equals(previousMessage(ConditionType.Failed))) {
        all.add(new JobEvent(f.reason(), f.message(), f.message()));
      }
    } else if (outcome instanceof Unschedulable u) {
      if (previous != JobPhase.Unschedulable || !u.message().equals(previousMessage(ConditionType.Unschedulable))) {
        all.add(new JobEvent(Reason.Unschedulable, u.message(), u.message()));
      }
    } else if (outcome instanceof Suspended s) {
      if (previous != JobPhase.Suspended) {
        all.add(new JobEvent(Reason.Suspended, "", "runPolicy.suspend is true: deleted " + s.podsDeleted()
            + " worker pod(s); the other children stay"));
      }
    } else if (outcome instanceof Active a) {
      if (phase() == JobPhase.Succeeded) {
        all.add(new JobEvent(Reason.Completed, "", "the coordinator " + coordinator(a.plan()) + " exited 0"));
      } else if (becameRunning()) {
        all.add(new JobEvent(Reason.Running, "", "all " + a.plan().size() + " worker(s) are running"));
      }
    }
    return all;
  }

  /** The phase moved to Running with this reconcile (time to Running is measured then). */
  public boolean becameRunning() {
    return outcome instanceof Active && phase() == JobPhase.Running && obs.previousPhase() != JobPhase.Running;
  }

  /** The earliest instant anything asked to be looked at again. */
  public Optional<Instant> wakeUp() {
    return wakeUps.stream().filter(Objects::nonNull).min(Instant::compareTo);
  }

  public Optional<Problem> blockedBy() {
    return Optional.ofNullable(blocked);
  }

  private String previousMessage(ConditionType type) {
    return previousCondition(type).map(JobCondition::message).orElse(null);
  }

  private static String coordinator(List<PlannedWorker> plan) {
    return JobHealth.coordinator(plan);
  }
}
