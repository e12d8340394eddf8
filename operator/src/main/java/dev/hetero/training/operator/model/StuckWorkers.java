package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Workers whose pod the scheduler has refused (PodScheduled=False, reason Unschedulable) for
 * longer than the grace period: something outside this operator (another scheduler's or
 * namespace's pods, a quota, a new taint) took the capacity the plan counted on. Their nodes are
 * then treated as unusable for the job and the workers are planned elsewhere.
 */
public final class StuckWorkers {
  private StuckWorkers() {
  }

  /**
   * @param workers names of the stuck workers
   * @param nodes their planned nodes
   * @param recheckAt when a worker refused more recently than the grace period becomes stuck
   */
  public record Verdict(Set<String> workers, Set<String> nodes, Optional<Instant> recheckAt) {
  }

  public static Verdict find(Map<String, WorkerPodState> podsByWorker, Iterable<PlannedWorker> plan, Instant now, Duration grace) {
    Set<String> workers = new TreeSet<>();
    Set<String> nodes = new TreeSet<>();
    Instant recheck = null;
    for (PlannedWorker worker : plan) {
      WorkerPodState state = podsByWorker.get(worker.worker());
      if (state == null || state.kind() != WorkerPodState.Kind.PENDING) {
        continue;
      }
      Optional<Instant> since = unschedulableSince(state.pod());
      if (since.isEmpty()) {
        continue;
      }
      Instant stuckAt = since.get().plus(grace);
      if (!now.isBefore(stuckAt)) {
        workers.add(worker.worker());
        nodes.add(worker.node());
      } else if (recheck == null || stuckAt.isBefore(recheck)) {
        recheck = stuckAt;
      }
    }
    return new Verdict(workers, nodes, Optional.ofNullable(recheck));
  }

  static Optional<Instant> unschedulableSince(Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
      return Optional.empty();
    }
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason())) {
        return Optional.of(c.getLastTransitionTime() == null ? Instant.EPOCH : Instant.parse(c.getLastTransitionTime()));
      }
    }
    return Optional.empty();
  }
}
