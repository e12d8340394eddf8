package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.operator.model.Conditions.Wanted;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Phase and condition decisions, pure. A phase is always reported with every condition, so
 * {@code kubectl get} printer columns that select a condition by type always find one.
 */
public final class PhaseCalculator {
  private PhaseCalculator() {
  }

  /** Why the job is in its phase: a reason and a human message. */
  public record Verdict(JobPhase phase, Reason reason, String message) {
  }

  /**
   * Phase of a planned, active job from its worker pods: Succeeded once the coordinator (rank 0)
   * exited 0; Running once every planned worker runs, and still Running while the coordinator
   * does (a restarting worker does not demote the job); Planned before.
   */
  public static JobPhase activePhase(Map<String, WorkerPodState> podsByWorker, Collection<String> plannedWorkers,
      String coordinator, JobPhase previous) {
    WorkerPodState coord = podsByWorker.get(coordinator);
    if (coord != null && coord.kind() == WorkerPodState.Kind.SUCCEEDED) {
      return JobPhase.Succeeded;
    }
    boolean allRunning = !plannedWorkers.isEmpty() && plannedWorkers.stream()
        .allMatch(w -> podsByWorker.containsKey(w) && podsByWorker.get(w).kind() == WorkerPodState.Kind.RUNNING);
    if (allRunning) {
      return JobPhase.Running;
    }
    if (previous == JobPhase.Running && coord != null && coord.kind() == WorkerPodState.Kind.RUNNING) {
      return JobPhase.Running;
    }
    return JobPhase.Planned;
  }

  /**
   * The conditions besides the phase's own: Degraded, CoordinatorReady and CheckpointReady, each
   * decided from what the reconcile observed (WorkerAvailability, CoordinatorTracker,
   * CheckpointVolume).
   */
  public record Health(Wanted degraded, Wanted coordinator, Wanted checkpoint) {
    /** When nothing is known beyond the phase (a job not active, a test of the phase alone). */
    public static Health of(JobPhase phase) {
      return new Health(WorkerAvailability.degraded(phase, 0, List.of()),
          CoordinatorTracker.notRunning("job is " + phase),
          new Wanted(ConditionType.CheckpointReady, false, Reason.NotPlanned, "job is " + phase));
    }
  }

  /** Every condition describing a phase (nothing else known). */
  public static List<Wanted> conditionsFor(Verdict v) {
    return conditionsFor(v, null, Health.of(v.phase()));
  }

  public static List<Wanted> conditionsFor(Verdict v, Problem blocked) {
    return conditionsFor(v, blocked, Health.of(v.phase()));
  }

  /**
   * The conditions of a job, one per type, in the order describe shows them: Planned, Pending,
   * Running, Degraded, CoordinatorReady, CheckpointReady, Suspended, Succeeded, Failed,
   * Unschedulable. Each models a state and its reason says why (Kubeflow Trainer's maintainers on
   * kubeflow/trainer#2713 and #2725: states, not transitions). {@code blocked}, when set, is what
   * keeps the job from progressing: it becomes the Running condition's reason and message (its
   * status stays the phase's), so an error that blocks progress is always in a condition, not only
   * in an Event.
   */
  public static List<Wanted> conditionsFor(Verdict v, Problem blocked, Health health) {
    JobPhase p = v.phase();
    boolean planned = p == JobPhase.Planned || p == JobPhase.Running || p == JobPhase.Succeeded
        || (p == JobPhase.Failed && v.reason() != Reason.InvalidSpec);
    Wanted running = p == JobPhase.Running
        ? new Wanted(ConditionType.Running, true, v.reason(), v.message())
        : new Wanted(ConditionType.Running, false, notRunningReason(p), "job is " + p);
    if (blocked != null) {
      running = new Wanted(ConditionType.Running, running.status(), blocked.reason(), blocked.message());
    }
    return List.of(
        planned
            ? new Wanted(ConditionType.Planned, true, Reason.Planned, p == JobPhase.Planned ? v.message() : "workers planned")
            : new Wanted(ConditionType.Planned, false, p == JobPhase.Pending ? Reason.Pending : v.reason(),
                p == JobPhase.Pending ? "not planned yet" : v.message()),
        pending(v, health),
        running,
        health.degraded(),
        health.coordinator(),
        health.checkpoint(),
        p == JobPhase.Suspended
            ? new Wanted(ConditionType.Suspended, true, v.reason(), v.message())
            : new Wanted(ConditionType.Suspended, false, Reason.NotSuspended, "runPolicy.suspend is false"),
        p == JobPhase.Succeeded
            ? new Wanted(ConditionType.Succeeded, true, v.reason(), v.message())
            : new Wanted(ConditionType.Succeeded, false, Reason.NotSucceeded, "the coordinator has not completed"),
        p == JobPhase.Failed
            ? new Wanted(ConditionType.Failed, true, v.reason(), v.message())
            : new Wanted(ConditionType.Failed, false, Reason.NotFailed, "no failure"),
        p == JobPhase.Unschedulable
            ? new Wanted(ConditionType.Unschedulable, true, v.reason(), v.message())
            : new Wanted(ConditionType.Unschedulable, false, Reason.Schedulable,
                p == JobPhase.Pending || p == JobPhase.Queued ? "not planned yet" : "the planner placed every required worker"));
  }

  /**
   * Pending: True while the job waits to train (not planned yet, its pods starting, its
   * checkpoint claim not bound, its coordinator restarting, queued, no room), False once it runs
   * or has ended or is suspended.
   */
  static Wanted pending(Verdict v, Health health) {
    return switch (v.phase()) {
      case Pending -> new Wanted(ConditionType.Pending, true, Reason.NotPlanned, "not planned yet");
      case Queued -> new Wanted(ConditionType.Pending, true, Reason.Queued, v.message());
      case Unschedulable -> new Wanted(ConditionType.Pending, true, Reason.InsufficientCapacity, v.message());
      case Planned -> {
        if (health.coordinator().reason() == Reason.CoordinatorRestarting) {
          yield new Wanted(ConditionType.Pending, true, Reason.CoordinatorRestarting, health.coordinator().message());
        }
        if (!health.checkpoint().status() && health.checkpoint().reason() != Reason.NotPlanned) {
          yield new Wanted(ConditionType.Pending, true, Reason.WaitingForCheckpointVolume, health.checkpoint().message());
        }
        yield new Wanted(ConditionType.Pending, true, Reason.WorkersStarting, v.message());
      }
      case Running -> new Wanted(ConditionType.Pending, false, Reason.Started, "the coordinator and workers are running");
      case Suspended -> new Wanted(ConditionType.Pending, false, Reason.Suspended, "job is Suspended");
      case Succeeded -> new Wanted(ConditionType.Pending, false, Reason.Completed, "job is Succeeded");
      case Failed -> new Wanted(ConditionType.Pending, false, Reason.Failed, "job is Failed");
    };
  }

  private static Reason notRunningReason(JobPhase p) {
    return switch (p) {
      case Pending, Planned -> Reason.WorkersStarting;
      case Suspended -> Reason.Suspended;
      case Unschedulable -> Reason.Unschedulable;
      case Succeeded -> Reason.Completed;
      case Failed -> Reason.Failed;
      case Running -> Reason.Running;
      case Queued -> Reason.Queued;
    };
  }
}
