package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.CleanPodPolicy;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.JobStatuses;
import dev.hetero.training.operator.model.NodeHealth;
import dev.hetero.training.operator.model.PodResources;
import dev.hetero.training.operator.model.RestartDecider;
import dev.hetero.training.operator.model.RestartPolicy;
import dev.hetero.training.operator.model.WorkerPodFactory;
import dev.hetero.training.operator.model.WorkerPodState;
import io.fabric8.kubernetes.api.model.Pod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The worker-pod step: make the pods match the plan. Creates the missing ones, deletes those no
 * longer planned or whose pinned fields changed, restarts failed ones after their backoff (or
 * gives up past backoffLimit), force-deletes pods stuck Terminating on lost nodes, and applies
 * cleanPodPolicy at the end. The decisions are the pure RestartDecider and WorkerPodFactory; this
 * class only carries them out.
 */
@ApplicationScoped
public class WorkerPodSync {
  @Inject
  OperatorConfig config;
  @Inject
  RestartPolicy restartPolicy;
  @Inject
  WorkerPodManager pods;
  @Inject
  JobEvents events;
  @Inject
  JobMetrics metrics;

  /** Suspend: every worker pod goes. */
  public void deleteAll(JobObservation obs) {
    obs.podsByWorker().values().forEach(state -> deleteOnce(state, obs.now()));
  }

  /** What the pod step did: restarts recorded, when to look again, or a reason to give up. */
  public record Result(List<RestartRecord> restarts, Optional<Instant> wakeUp, Optional<String> giveUp, int created) {
  }

  public Result sync(JobObservation obs, HeteroTrainingJobSpec spec, List<PlannedWorker> plan,
      Set<String> lostNodes) {
    Instant now = obs.now();
    Map<String, PlannedWorker> planned = plan.stream().collect(Collectors.toMap(PlannedWorker::worker, w -> w, (x, y) -> x));
    String coordinator = plan.stream().filter(w -> w.rank() == 0).map(PlannedWorker::worker).findFirst().orElseThrow();
    var ref = new WorkerPodFactory.JobRef(obs.job(), spec, plan.size(), coordinator, config.trainerImage());
    List<RestartRecord> restarts = obs.restarts();
    Set<String> lostOrGone = lostOrGoneNodes(obs);

    // Pods no longer in the plan (a re-plan dropped or renamed them).
    for (WorkerPodState state : obs.podsByWorker().values()) {
      if (!planned.containsKey(state.name())) {
        deleteOnce(state, now);
      }
    }
    List<RestartDecider.FailedWorker> failed = new ArrayList<>();
    List<String> createdNames = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    boolean coordinatorDone = Optional.ofNullable(obs.podsByWorker().get(coordinator))
        .map(s -> s.kind() == WorkerPodState.Kind.SUCCEEDED).orElse(false);
    for (PlannedWorker worker : plan) {
      WorkerPodState state = obs.podsByWorker().get(worker.worker());
      Pod pod = state == null ? null : state.pod();
      if (pod == null) {
        if (!coordinatorDone && !pods.creationPending(null, obs.namespace(), worker.worker(), now)) {
          Optional<String> refused = pods.create(WorkerPodFactory.create(ref, worker), now);
          if (refused.isPresent()) {
            refusals.add(refused.get());
          } else {
            createdNames.add(worker.worker());
          }
        }
        continue;
      }
      pods.creationPending(pod, obs.namespace(), worker.worker(), now);
      if (state.kind() == WorkerPodState.Kind.TERMINATING) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && lostOrGone.contains(node)) {
          pods.forceDelete(pod, now);
        }
        continue;
      }
      if (pods.deletionPending(pod, now)) {
        continue;
      }
      Pod desired = WorkerPodFactory.create(ref, worker);
      String want = desired.getMetadata().getAnnotations().get(WorkerPodFactory.TEMPLATE_HASH);
      String have = pod.getMetadata().getAnnotations() == null ? null
          : pod.getMetadata().getAnnotations().get(WorkerPodFactory.TEMPLATE_HASH);
      boolean onLostNode = lostNodes.contains(nodeOf(pod));
      if (state.kind() != WorkerPodState.Kind.SUCCEEDED && (!Objects.equals(want, have) || onLostNode)) {
        // Moved by a re-plan: recreate at once (no backoff: the worker did nothing wrong).
        if (onLostNode) {
          restarts = JobStatuses.recordRestart(restarts, WorkerPodState.REASON_NODE_LOST, worker.worker(), now);
          metrics.workerRestarted(WorkerPodState.REASON_NODE_LOST);
        }
        pods.delete(pod, now);
        continue;
      }
      if (state.kind() == WorkerPodState.Kind.FAILED) {
        failed.add(new RestartDecider.FailedWorker(worker.worker(), state.uid(), state.failureReason(), state.finishedAt()));
      }
    }
    if (!createdNames.isEmpty()) {
      events.normal(obs.job(), "WorkersCreated", "created " + createdNames.size() + " worker pod(s): "
          + abbreviate(createdNames));
    }
    RestartDecider.Decision decision = RestartDecider.decide(failed, JobStatuses.restartCount(restarts),
        spec.runPolicy().backoffLimit(), restartPolicy, now);
    if (decision.giveUp().isPresent()) {
      return new Result(restarts, Optional.empty(), decision.giveUp(), createdNames.size());
    }
    for (RestartDecider.Restart restart : decision.restarts()) {
      var f = restart.worker();
      restarts = JobStatuses.recordRestart(restarts, f.reason(), f.worker(), now);
      metrics.workerRestarted(f.reason());
      events.warning(obs.job(), "WorkerFailed", "worker " + f.worker() + " failed (" + f.reason() + "); recreating it"
          + " with the same rank (restart " + JobStatuses.restartCount(restarts) + " of at most "
          + spec.runPolicy().backoffLimit() + ")");
      pods.delete(obs.podsByWorker().get(f.worker()).pod(), now);
    }
    Optional<Instant> wakeUp = decision.waitUntil();
    if (!refusals.isEmpty()) {
      // e.g. a ResourceQuota or an admission policy: say so, and try again in a while.
      events.warning(obs.job(), "WorkerCreateRefused", "the API server refused " + refusals.size() + " worker pod(s): "
          + String.join("; ", refusals.subList(0, Math.min(3, refusals.size()))));
      Instant retry = now.plus(config.unschedulableRetry());
      wakeUp = Optional.of(wakeUp.filter(w -> w.isBefore(retry)).orElse(retry));
    }
    return new Result(restarts, wakeUp, Optional.empty(), createdNames.size());
  }

  private Set<String> lostOrGoneNodes(JobObservation obs) {
    Set<String> wanted = obs.podsByWorker().values().stream().map(s -> nodeOf(s.pod())).filter(Objects::nonNull)
        .collect(Collectors.toSet());
    return NodeHealth.lostNodes(wanted, obs.nodes(), obs.now(), config.nodeLostGrace()).lost();
  }

  private static String nodeOf(Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
      return pod.getSpec().getNodeName();
    }
    return PodResources.pinnedNode(pod).orElse(null);
  }

  private void deleteOnce(WorkerPodState state, Instant now) {
    if (state.kind() != WorkerPodState.Kind.TERMINATING && !pods.deletionPending(state.pod(), now)) {
      pods.delete(state.pod(), now);
    }
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 8 ? String.join(", ", names)
        : String.join(", ", names.subList(0, 8)) + " and " + (names.size() - 8) + " more";
  }

  /**
   * cleanPodPolicy: Running deletes workers still pending or running, All deletes every worker,
   * None keeps them (for logs). The succeeded coordinator is kept under Running.
   */
  public void cleanUp(JobObservation obs, CleanPodPolicy policy, Set<String> keep) {
    for (WorkerPodState state : obs.podsByWorker().values()) {
      boolean active = state.kind() == WorkerPodState.Kind.PENDING || state.kind() == WorkerPodState.Kind.RUNNING;
      boolean delete = switch (policy) {
        case ALL -> true;
        case RUNNING -> active && !keep.contains(state.name());
        case NONE -> false;
      };
      if (delete) {
        deleteOnce(state, obs.now());
      }
    }
  }
}
