package dev.hetero.training.operator.model;

import dev.hetero.training.api.contract.ExitCodes;
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
  /** The pod of a running job vanished without the operator deleting it (a user, an eviction API call). */
  public static final String REASON_POD_DELETED = "PodDeleted";
  /**
   * The container exited 75 (api ExitCodes.STOPPED_AFTER_CHECKPOINT): stopped on request after
   * checkpointing, not a failure of the worker; counted against the preemption budget.
   */
  public static final String REASON_STOPPED = "StoppedOnRequest";
  /**
   * The container exited 69 (api ExitCodes.NO_DEVICE): a GPU worker found no usable CUDA device
   * (CPU trainer image, no driver, no device) and its pool does not allow deviceFallback cpu. A
   * configuration failure, counted against backoffLimit like any failed worker, so it is retried a
   * bounded number of times (a driver still loading may come up) and then fails the job with this
   * reason.
   */
  public static final String REASON_NO_CUDA_DEVICE = "NoCudaDevice";
  /** Kueue preempted the job's pod group (one per eviction; not counted against backoffLimit). */
  public static final String REASON_PREEMPTED = "Preempted";
  /** Kueue evicted the group for another reason (PodsReadyTimeout, a stopped queue, ...); not counted either. */
  public static final String REASON_EVICTED_BY_KUEUE = "EvictedByKueue";

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

  /**
   * Why a worker pod stopped: evicted (by the kubelet, or marked as a disruption target by the
   * scheduler's preemption, the eviction API or the taint manager), stopped on request after
   * checkpointing (exit 75), OOM-killed, or failed.
   */
  static String failureReason(Pod pod) {
    if ("Evicted".equals(pod.getStatus().getReason()) || disruptionTarget(pod)) {
      return REASON_EVICTED;
    }
    for (ContainerStatus cs : containerStatuses(pod)) {
      var terminated = cs.getState() == null ? null : cs.getState().getTerminated();
      if (terminated != null && "OOMKilled".equals(terminated.getReason())) {
        return REASON_OOM;
      }
      if (terminated != null && terminated.getExitCode() != null
          && terminated.getExitCode() == ExitCodes.STOPPED_AFTER_CHECKPOINT) {
        return REASON_STOPPED;
      }
      if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() == ExitCodes.NO_DEVICE) {
        return REASON_NO_CUDA_DEVICE;
      }
      if (terminated != null && "ContainerStatusUnknown".equals(terminated.getReason())) {
        // The kubelet came back without the container (its node's machine was lost): a lost node, not a failure.
        return REASON_NODE_LOST;
      }
    }
    return REASON_POD_FAILED;
  }

  /**
   * The last line the trainer container wrote before it stopped (the kubelet keeps the end of the
   * log as its termination message: FallbackToLogsOnError), or null. For NoCudaDevice it is the
   * trainer's own explanation: what the worker asked for and what it found.
   */
  public static String lastWords(Pod pod) {
    for (ContainerStatus cs : containerStatuses(pod)) {
      var terminated = cs.getState() == null ? null : cs.getState().getTerminated();
      if (terminated != null && terminated.getMessage() != null && !terminated.getMessage().isBlank()) {
        String[] lines = terminated.getMessage().strip().split("\n");
        return lines[lines.length - 1].strip();
      }
    }
    return null;
  }

  private static boolean disruptionTarget(Pod pod) {
    List<PodCondition> conditions = pod.getStatus().getConditions();
    return conditions != null && conditions.stream().anyMatch(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()));
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
