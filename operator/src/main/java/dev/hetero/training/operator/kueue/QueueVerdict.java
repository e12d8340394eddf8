package dev.hetero.training.operator.kueue;

import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.WorkerPodState;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Where a queued job stands with Kueue, from its Workload (when Kueue made one) and its pods: still
 * waiting (the job's phase is Queued, its Queued condition True with Kueue's own reason in the
 * message), or admitted. Pure.
 *
 * @param waiting Kueue has not admitted the group (or took the admission back)
 * @param reason the Queued condition's reason
 * @param message the Queued condition's message: the Workload, the LocalQueue and Kueue's message
 * @param eviction set while the Workload carries Kueue's Evicted condition
 * @param workloadTerminating the group's Workload is being deleted: no new pods until it is gone
 */
public record QueueVerdict(boolean waiting, Reason reason, String message, Optional<Eviction> eviction,
    boolean workloadTerminating) {

  /**
   * Kueue evicted the Workload (preempted it, or another eviction): it deletes the group's pods,
   * and this operator recreates them, counted once per eviction as a restart of this reason.
   */
  public record Eviction(String restartReason, Instant at, String message) {
  }

  /** Kueue's reason on the Workload's Evicted condition when another workload preempted it. */
  static final String KUEUE_PREEMPTED = "Preempted";

  public static QueueVerdict of(String queue, String group, Optional<WorkloadView> workload, Collection<Pod> pods) {
    String where = "Workload " + group + " (LocalQueue " + queue + ")";
    if (workload.isEmpty()) {
      boolean someGated = pods.stream().anyMatch(KueuePodGroup::gated);
      if (pods.isEmpty() || someGated) {
        return waiting(Reason.WaitingForWorkload, "waiting for Kueue to create " + where
            + " once every pod of the group exists; the pods are gated until Kueue admits the whole group");
      }
      return new QueueVerdict(false, Reason.NotManagedByKueue, "no " + where + " and the pods are not gated: Kueue does not"
          + " manage this namespace (managedJobsNamespaceSelector, the pod integration) or is not installed; running"
          + " without admission", Optional.empty(), false);
    }
    WorkloadView wl = workload.get();
    if (wl.deleting()) {
      return new QueueVerdict(true, Reason.WaitingForWorkload, where + " is being deleted; the pods are created again"
          + " once it is gone", Optional.empty(), true);
    }
    Optional<WorkloadView.Condition> evicted = wl.condition(WorkloadView.EVICTED).filter(WorkloadView.Condition::status);
    if (evicted.isPresent()) {
      WorkloadView.Condition e = evicted.get();
      boolean preempted = KUEUE_PREEMPTED.equals(e.reason());
      String message = where + " was evicted by Kueue (" + e.reason() + "): " + nullToEmpty(e.message())
          + "; the pod group is created again and waits for quota";
      return new QueueVerdict(true, preempted ? Reason.Preempted : Reason.EvictedByKueue, message,
          Optional.of(new Eviction(preempted ? WorkerPodState.REASON_PREEMPTED : WorkerPodState.REASON_EVICTED_BY_KUEUE,
              e.lastTransitionTime(), nullToEmpty(e.message()))),
          false);
    }
    Optional<WorkloadView.Condition> finished = wl.condition(WorkloadView.FINISHED).filter(WorkloadView.Condition::status);
    if (finished.isPresent() && !"Succeeded".equals(finished.get().reason())) {
      return waiting(Reason.Inadmissible, where + " was finished by Kueue (" + finished.get().reason() + "): "
          + nullToEmpty(finished.get().message()));
    }
    if (wl.isTrue(WorkloadView.ADMITTED) || finished.isPresent()) {
      return new QueueVerdict(false, Reason.Admitted, where + " admitted by ClusterQueue " + wl.clusterQueue(),
          Optional.empty(), false);
    }
    if (wl.isTrue(WorkloadView.QUOTA_RESERVED)) {
      return waiting(Reason.QuotaReserved, where + ": quota reserved in ClusterQueue " + wl.clusterQueue()
          + "; waiting for its admission checks");
    }
    Optional<WorkloadView.Condition> reserved = wl.condition(WorkloadView.QUOTA_RESERVED);
    String kueueSays = reserved.map(WorkloadView.Condition::message).filter(m -> !m.isBlank())
        .orElse("waiting for Kueue to consider it");
    boolean inadmissible = reserved.map(c -> "Inadmissible".equals(c.reason())).orElse(false);
    return waiting(inadmissible ? Reason.Inadmissible : Reason.WaitingForQuota, where + ": " + kueueSays);
  }

  private static QueueVerdict waiting(Reason reason, String message) {
    return new QueueVerdict(true, reason, message, Optional.empty(), false);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
