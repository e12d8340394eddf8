package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.CoordinatorStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.operator.model.Conditions.Wanted;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which coordinator status.training belongs to, pure. A coordinator pod runs one trainer process
 * (restartPolicy Never), so its UID is an incarnation; the incarnation that reported is recorded
 * (status.coordinator) with the coordinatorStartedAt it reported. A coordinator pod gone,
 * failing or replaced makes status.training stale at once (CoordinatorReady False,
 * CoordinatorRestarting); a new value of coordinatorStartedAt while the new pod runs is the new
 * incarnation's first report: ready again, with the round it resumed from (event TrainingResumed)
 * or, when it found no checkpoint, from round 0 (event TrainingRestartedFromScratch). No clock is
 * compared: a report is new when its start differs from the recorded one.
 */
public final class CoordinatorTracker {
  private CoordinatorTracker() {
  }

  /** The record to write, the CoordinatorReady condition, and the Events of a change. */
  public record Outcome(CoordinatorStatus record, Wanted condition, List<JobEvent> events) {
  }

  /**
   * @param coordinator the coordinator's worker name (rank 0 of the plan)
   * @param pod the coordinator's pod now, or null
   * @param previous the recorded incarnation, or null
   * @param training the trainer's last report (status.training), or null
   * @param previousCondition the CoordinatorReady condition written before, or null
   */
  public static Outcome track(String coordinator, WorkerPodState pod, CoordinatorStatus previous, TrainingProgress training,
      JobCondition previousCondition) {
    List<JobEvent> events = new ArrayList<>();
    String reported = training == null ? null : training.coordinatorStartedAt();
    Long round = training == null ? null : training.round();
    boolean hadReported = previous != null && previous.startedAt() != null;
    boolean wasRestarting = previousCondition != null && Reason.CoordinatorRestarting.name().equals(previousCondition.reason());
    if (pod == null || pod.kind() == WorkerPodState.Kind.TERMINATING || pod.kind() == WorkerPodState.Kind.FAILED) {
      String what = pod == null ? "is gone" : pod.kind() == WorkerPodState.Kind.TERMINATING ? "is being deleted"
          : "failed (" + pod.failureReason() + ")";
      if (!hadReported) {
        return new Outcome(previous, new Wanted(ConditionType.CoordinatorReady, false, Reason.CoordinatorStarting,
            "the coordinator " + coordinator + " has not reported yet"), events);
      }
      String message = "the coordinator pod " + coordinator + " " + what + "; status.training" + (round == null ? ""
          : " (round " + round + ")") + " is from the previous coordinator and stale until a new one reports";
      if (!wasRestarting) {
        events.add(new JobEvent(Reason.CoordinatorRestarting, previous.podUID(), message));
      }
      return new Outcome(previous, new Wanted(ConditionType.CoordinatorReady, false, Reason.CoordinatorRestarting, message),
          events);
    }
    if (pod.kind() == WorkerPodState.Kind.SUCCEEDED) {
      return new Outcome(previous, new Wanted(ConditionType.CoordinatorReady, false, Reason.CoordinatorExited,
          "the coordinator " + coordinator + " exited 0; status.training is its final report"), events);
    }
    CoordinatorStatus record = previous;
    boolean newReport = reported != null && (previous == null || !Objects.equals(reported, previous.startedAt()));
    if (newReport && (previous == null || !Objects.equals(pod.uid(), previous.podUID()) || previous.startedAt() == null)) {
      int restarts = previous == null ? 0 : (previous.restarts() == null ? 0 : previous.restarts())
          + (previous.startedAt() != null ? 1 : 0);
      Long resumed = training.resumedFromRound();
      record = new CoordinatorStatus(coordinator, pod.uid(), reported, resumed, restarts);
      if (restarts > 0 && resumed != null) {
        events.add(new JobEvent(Reason.TrainingResumed, reported, "the new coordinator " + coordinator + " (started "
            + reported + ") resumed from the checkpoint of round " + resumed + " (coordinator restart " + restarts + ")"));
      } else if (restarts > 0) {
        events.add(new JobEvent(Reason.TrainingRestartedFromScratch, reported, "the new coordinator " + coordinator
            + " (started " + reported + ") found no checkpoint and trains again from round 0 (coordinator restart "
            + restarts + ")"));
      }
    }
    if (record == null || !Objects.equals(record.podUID(), pod.uid())) {
      boolean replaced = hadReported;
      String message = replaced
          ? "a new coordinator pod " + coordinator + " is " + (pod.kind() == WorkerPodState.Kind.RUNNING ? "running" : "starting")
              + " and has not reported yet; status.training" + (round == null ? "" : " (round " + round + ")")
              + " is from the previous coordinator and stale"
          : "the coordinator " + coordinator + " has not reported yet";
      if (replaced && !wasRestarting) {
        events.add(new JobEvent(Reason.CoordinatorRestarting, previous.podUID(), message));
      }
      return new Outcome(record, new Wanted(ConditionType.CoordinatorReady, false,
          replaced ? Reason.CoordinatorRestarting : Reason.CoordinatorStarting, message), events);
    }
    String since = "started " + record.startedAt();
    Wanted ready = record.resumedFromRound() != null
        ? new Wanted(ConditionType.CoordinatorReady, true, Reason.ResumedFromCheckpoint, "the coordinator " + coordinator
            + " (" + since + ") resumed from the checkpoint of round " + record.resumedFromRound() + " and reports"
            + restartsNote(record))
        : new Wanted(ConditionType.CoordinatorReady, true, Reason.StartedFromScratch, "the coordinator " + coordinator
            + " (" + since + ") started from round 0 and reports" + restartsNote(record));
    return new Outcome(record, ready, events);
  }

  /** Not active (suspended, unschedulable, failed before planning): the record stays, the condition says why. */
  public static Wanted notRunning(String why) {
    return new Wanted(ConditionType.CoordinatorReady, false, Reason.NotRunning, why);
  }

  private static String restartsNote(CoordinatorStatus record) {
    return record.restarts() == null || record.restarts() == 0 ? "" : "; coordinator restarts so far: " + record.restarts();
  }
}
