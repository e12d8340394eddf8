package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.operator.model.Conditions.Wanted;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Phase and condition decisions, pure. A phase is always reported with all six conditions, so
 * {@code kubectl get} printer columns that select a condition by type always find one.
 */
public final class PhaseCalculator {
  private PhaseCalculator() {
  }

  /** Why the job is in its phase: a CamelCase reason and a human message. */
  public record Verdict(JobPhase phase, String reason, String message) {
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

  /** The six conditions describing a phase. */
  public static List<Wanted> conditionsFor(Verdict v) {
    JobPhase p = v.phase();
    boolean planned = p == JobPhase.Planned || p == JobPhase.Running || p == JobPhase.Succeeded
        || (p == JobPhase.Failed && !"InvalidSpec".equals(v.reason()));
    return List.of(
        planned
            ? new Wanted(ConditionType.Planned, true, "Planned", p == JobPhase.Planned ? v.message() : "workers planned")
            : new Wanted(ConditionType.Planned, false, p == JobPhase.Pending ? "Pending" : v.reason(),
                p == JobPhase.Pending ? "not planned yet" : v.message()),
        p == JobPhase.Running
            ? new Wanted(ConditionType.Running, true, v.reason(), v.message())
            : new Wanted(ConditionType.Running, false, notRunningReason(p), "job is " + p),
        p == JobPhase.Suspended
            ? new Wanted(ConditionType.Suspended, true, v.reason(), v.message())
            : new Wanted(ConditionType.Suspended, false, "NotSuspended", "runPolicy.suspend is false"),
        p == JobPhase.Succeeded
            ? new Wanted(ConditionType.Succeeded, true, v.reason(), v.message())
            : new Wanted(ConditionType.Succeeded, false, "NotSucceeded", "the coordinator has not completed"),
        p == JobPhase.Failed
            ? new Wanted(ConditionType.Failed, true, v.reason(), v.message())
            : new Wanted(ConditionType.Failed, false, "NotFailed", "no failure"),
        p == JobPhase.Unschedulable
            ? new Wanted(ConditionType.Unschedulable, true, v.reason(), v.message())
            : new Wanted(ConditionType.Unschedulable, false, "Schedulable",
                p == JobPhase.Pending ? "not planned yet" : "the planner placed every required worker"));
  }

  private static String notRunningReason(JobPhase p) {
    return switch (p) {
      case Pending, Planned -> "WorkersStarting";
      case Suspended -> "Suspended";
      case Unschedulable -> "Unschedulable";
      case Succeeded -> "Completed";
      case Failed -> "Failed";
      case Running -> "Running";
    };
  }
}
