package dev.hetero.training.operator.model;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.List;

/** What a worker pod is doing, reduced to what the reconcile decides on. */
public record WorkerPodState(Pod pod, Kind kind, boolean ready, String failureReason, Instant finishedAt) {

  public enum Kind { PENDING, RUNNING, SUCCEEDED, FAILED, TERMINATING }

  /** Restart reasons, as shown in status.restarts. */
  public static final String REASON_POD_FAILED = "PodFailed";
  public static final String REASON_OOM = "OOMKilled";
  public static final String REASON_EVICTED = "Evicted";
  public static final String REASON_NODE_LOST = "NodeLost";

  public String name() {
    return pod.getMetadata().getName();
  }

  public String uid() {
    return pod.getMetadata().getUid();
  }

  /** @param firstSeen when the operator first saw this pod fail, used when the pod carries no time */
  public static WorkerPodState of(Pod pod, Instant firstSeen) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return new WorkerPodState(pod, Kind.TERMINATING, false, null, null);
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase)) {
      return new WorkerPodState(pod, Kind.SUCCEEDED, false, null, finishedAt(pod, firstSeen));
    }
    if ("Failed".equals(phase)) {
      return new WorkerPodState(pod, Kind.FAILED, false, failureReason(pod), finishedAt(pod, firstSeen));
    }
    if ("Running".equals(phase)) {
      return new WorkerPodState(pod, Kind.RUNNING, isReady(pod), null, null);
    }
    return new WorkerPodState(pod, Kind.PENDING, false, null, null);
  }

  static String failureReason(Pod pod) {
    if ("Evicted".equals(pod.getStatus().getReason())) {
      return REASON_EVICTED;
    }
    for (ContainerStatus cs : containerStatuses(pod)) {
      var terminated = cs.getState() == null ? null : cs.getState().getTerminated();
      if (terminated != null && "OOMKilled".equals(terminated.getReason())) {
        return REASON_OOM;
      }
    }
    return REASON_POD_FAILED;
  }

  static Instant finishedAt(Pod pod, Instant fallback) {
    Instant latest = null;
    for (ContainerStatus cs : containerStatuses(pod)) {
      var terminated = cs.getState() == null ? null : cs.getState().getTerminated();
      if (terminated != null && terminated.getFinishedAt() != null) {
        Instant t = Times.parse(terminated.getFinishedAt(), null);
        if (t != null && (latest == null || t.isAfter(latest))) {
          latest = t;
        }
      }
    }
    return latest != null ? latest : fallback;
  }

  static boolean isReady(Pod pod) {
    List<PodCondition> conditions = pod.getStatus().getConditions();
    return conditions != null && conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<ContainerStatus> containerStatuses(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? List.of() : pod.getStatus().getContainerStatuses();
  }
}
