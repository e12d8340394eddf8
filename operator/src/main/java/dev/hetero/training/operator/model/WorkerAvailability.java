package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.operator.model.Conditions.Wanted;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which planned workers train and, for the others, why not and since when, pure: the Degraded
 * condition of a running job (it trains with fewer workers than planned: node NotReady, pod
 * failed or deleted, waiting for capacity, starting) and the state column of the describe table.
 */
public final class WorkerAvailability {
  private WorkerAvailability() {
  }

  /** A pod the scheduler has not placed yet (nor refused). */
  public static final String NOT_SCHEDULED = "pod not scheduled yet";

  /** A worker that does not train now: why, and since when. */
  public record Missing(String worker, String why, Instant since) {
  }

  /** Every planned worker that is not training, in plan order. */
  public static List<Missing> missing(List<PlannedWorker> plan, Map<String, WorkerPodState> podsByWorker, Collection<Node> nodes,
      List<RestartRecord> restarts, Instant now) {
    Map<String, Node> byName = nodes.stream().collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity(),
        (a, b) -> a));
    List<Missing> missing = new ArrayList<>();
    for (PlannedWorker w : plan) {
      state(w, podsByWorker.get(w.worker()), byName, restarts, now).ifPresent(missing::add);
    }
    return missing;
  }

  /** Why this worker does not train, or empty when it does (its pod runs, is ready, on a Ready node). */
  static Optional<Missing> state(PlannedWorker w, WorkerPodState state, Map<String, Node> nodes, List<RestartRecord> restarts,
      Instant now) {
    String name = w.worker();
    if (state == null) {
      Instant since = restarts == null ? now : restarts.stream().filter(r -> name.equals(r.lastWorker()))
          .map(r -> Times.parse(r.lastTime(), now)).max(Instant::compareTo).orElse(now);
      return Optional.of(new Missing(name, "no pod (replacement due after its backoff)", since));
    }
    Pod pod = state.pod();
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    Node node = nodeName == null ? null : nodes.get(nodeName);
    if (nodeName != null && state.kind() != WorkerPodState.Kind.SUCCEEDED) {
      if (node == null) {
        return Optional.of(new Missing(name, "node " + nodeName + " is gone", created(pod, now)));
      }
      Optional<Instant> notReady = NodeHealth.notReadySince(node, now);
      if (notReady.isPresent()) {
        return Optional.of(new Missing(name, "node " + nodeName + " NotReady", notReady.get()));
      }
    }
    return switch (state.kind()) {
      case RUNNING -> state.ready() ? Optional.empty()
          : Optional.of(new Missing(name, "container starting on " + nodeName, created(pod, now)));
      case SUCCEEDED -> Optional.empty();
      case FAILED -> Optional.of(new Missing(name, "pod failed (" + state.failureReason() + "); restart pending",
          state.finishedAt() == null ? now : state.finishedAt()));
      case TERMINATING -> Optional.of(new Missing(name, "pod being deleted",
          Times.parse(pod.getMetadata().getDeletionTimestamp(), now)));
      case PENDING -> Optional.of(pending(name, pod, now));
    };
  }

  private static Missing pending(String name, Pod pod, Instant now) {
    List<PodCondition> conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null ? List.of()
        : pod.getStatus().getConditions();
    for (PodCondition c : conditions) {
      if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
        String message = c.getMessage() == null ? c.getReason() : c.getMessage();
        return new Missing(name, "waiting for capacity: " + message, Times.parse(c.getLastTransitionTime(), created(pod, now)));
      }
    }
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return new Missing(name, node == null ? NOT_SCHEDULED : "pod starting on " + node, created(pod, now));
  }

  private static Instant created(Pod pod, Instant now) {
    return Times.parse(pod.getMetadata().getCreationTimestamp(), now);
  }

  /**
   * The Degraded condition: True while the job runs with fewer workers training than planned
   * (which ones, why, since when); False when every worker trains, or when the job does not run.
   */
  public static Wanted degraded(JobPhase phase, int planned, List<Missing> missing) {
    if (phase != JobPhase.Running) {
      return new Wanted(ConditionType.Degraded, false, Reason.NotRunning, "job is " + phase);
    }
    if (missing.isEmpty()) {
      return new Wanted(ConditionType.Degraded, false, Reason.AllWorkersTraining, "all " + planned + " worker(s) train");
    }
    return new Wanted(ConditionType.Degraded, true, Reason.WorkersMissing, (planned - missing.size()) + " of " + planned
        + " worker(s) train; not training: " + describe(missing));
  }

  public static String describe(List<Missing> missing) {
    List<String> parts = new ArrayList<>();
    for (Missing m : missing.subList(0, Math.min(8, missing.size()))) {
      parts.add(m.worker() + " (" + m.why() + ", since " + m.since() + ")");
    }
    return String.join("; ", parts) + (missing.size() > 8 ? "; and " + (missing.size() - 8) + " more" : "");
  }
}
