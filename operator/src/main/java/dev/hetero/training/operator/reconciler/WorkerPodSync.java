package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.CleanPodPolicy;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.JobLabels;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.NodeHealth;
import dev.hetero.training.operator.model.PodResources;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.RestartBudget;
import dev.hetero.training.operator.model.StatusAggregator;
import dev.hetero.training.operator.model.PodTemplateHash;
import dev.hetero.training.operator.model.WorkerPodFactory;
import dev.hetero.training.operator.model.WorkerPodState;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
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
 * fails the job past backoffLimit), force-deletes pods stuck Terminating on lost nodes, and
 * applies cleanPodPolicy at the end. The decisions are the pure RestartDecider and
 * WorkerPodFactory; this class carries them out and reports each outcome to the aggregator as it
 * happens, so a later failure in the same reconcile cannot lose a restart already done.
 */
@ApplicationScoped
public class WorkerPodSync {
  @Inject
  OperatorConfig config;
  @Inject
  WorkerPodManager pods;
  @Inject
  PodDeletions deletions;
  @Inject
  JobMetrics metrics;

  /** Suspend: every worker pod goes; returns how many were deleted. */
  public int deleteAll(JobObservation obs, Context<HeteroTrainingJob> context) {
    int deleted = 0;
    for (WorkerPodState state : obs.podsByWorker().values()) {
      deleted += deleteOnce(state, obs.now(), context) ? 1 : 0;
    }
    return deleted;
  }

  public void sync(JobObservation obs, HeteroTrainingJobSpec spec, PlanDocument document, Set<String> lostNodes,
      Context<HeteroTrainingJob> context, StatusAggregator status) {
    Instant now = obs.now();
    var ref = new WorkerPodFactory.JobRef(obs.job(), document, config.trainerImage(),
        config.trainerGpuImage().filter(i -> !i.isBlank()).orElse(config.trainerImage()));
    Set<String> planned = document.workers().stream().map(PlannedWorker::worker).collect(Collectors.toSet());
    Set<String> lostOrGone = lostOrGoneNodes(obs);

    // Pods no longer in the plan (a re-plan dropped or renamed them).
    obs.podsByWorker().values().stream().filter(s -> !planned.contains(s.name())).forEach(s -> deleteOnce(s, now, context));
    List<RestartBudget.Disruption> disruptions = new ArrayList<>();
    List<String> created = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    Optional<PlannedWorker> coordinator = document.coordinator();
    boolean coordinatorDone = coordinator.map(c -> obs.podsByWorker().get(c.worker()))
        .map(s -> s.kind() == WorkerPodState.Kind.SUCCEEDED).orElse(false);
    // The operator itself stopped the coordinator (a restart, a move): the workers it stopped in turn (exit 75) are no disruption.
    boolean coordinatorStoppedByUs = coordinator.map(c -> pods.deletedByUs(obs.namespace(), c.worker(), now)).orElse(false);
    for (PlannedWorker worker : document.workers()) {
      WorkerPodState state = obs.podsByWorker().get(worker.worker());
      String absentKey = obs.job().getMetadata().getUid() + "/" + worker.worker();
      if (state == null) {
        if (coordinatorDone) {
          continue;
        }
        if (vanished(obs, worker.worker())) {
          // Deleted behind the operator's back (a user, the eviction API, a preemption): a disruption with a backoff.
          disruptions.add(new RestartBudget.Disruption(worker.worker(), WorkerPodState.REASON_POD_DELETED,
              deletions.firstSeen(absentKey, now)));
          continue;
        }
        createPod(ref, worker, context, created, refusals);
        continue;
      }
      deletions.forget(absentKey);
      Pod pod = state.pod();
      if (state.kind() == WorkerPodState.Kind.TERMINATING) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && lostOrGone.contains(node)) {
          pods.forceDelete(pod, context, now);
        }
        continue;
      }
      if (pods.deletionPending(pod, now)) {
        continue;
      }
      // A lost node's worker is a NodeLost restart, counted and backed off, in the reconcile that re-planned it and in
      // every later one until its pod goes: a backoff that outlasts the re-plan's reconcile must not turn it into a free move.
      // (An unbound pod of a queued job has no node yet.)
      String podNode = nodeOf(pod);
      boolean onLostNode = podNode != null && (lostNodes.contains(podNode)
          || (lostOrGone.contains(podNode) && !sameTemplate(pod, ref, worker)));
      if (state.kind() != WorkerPodState.Kind.SUCCEEDED && onLostNode) {
        disruptions.add(new RestartBudget.Disruption(worker.worker(), WorkerPodState.REASON_NODE_LOST,
            lostAt(obs, podNode, state.uid())));
        continue;
      }
      if (state.kind() != WorkerPodState.Kind.SUCCEEDED && !sameTemplate(pod, ref, worker)) {
        // Moved by a re-plan: recreate at once (no backoff: the worker did nothing wrong).
        pods.delete(pod, context, now);
        continue;
      }
      if ((state.kind() == WorkerPodState.Kind.RUNNING || state.kind() == WorkerPodState.Kind.PENDING)
          && !String.valueOf(worker.rank()).equals(label(pod, JobLabels.RANK))) {
        // Renumbered by a re-plan (a pool grew or shrank): the worker reads its rank from the plan, the label follows.
        pods.relabel(pod, JobLabels.RANK, String.valueOf(worker.rank()), context);
      }
      if (state.kind() == WorkerPodState.Kind.FAILED) {
        if (WorkerPodState.REASON_STOPPED.equals(state.failureReason()) && coordinatorStoppedByUs) {
          // Stopped with the coordinator this operator restarted: recreated with it, not counted.
          pods.delete(pod, context, now);
          continue;
        }
        disruptions.add(new RestartBudget.Disruption(worker.worker(), state.failureReason(), state.finishedAt()));
      }
    }
    restart(obs, spec, ref, disruptions, context, status, created, refusals);
    status.podsCreated(created);
    if (!created.isEmpty()) {
      status.event(Reason.WorkersCreated, String.join(",", created), "created " + created.size() + " worker pod(s): "
          + abbreviate(created));
    }
    if (!refusals.isEmpty()) {
      // e.g. a ResourceQuota or an admission policy: say so, and try again in a while.
      status.blocked(Reason.WorkerCreateRefused, "the API server refused " + refusals.size() + " worker pod(s): "
          + String.join("; ", refusals.subList(0, Math.min(3, refusals.size()))));
      status.wakeAt(now.plus(config.unschedulableRetry()));
    }
  }

  private void createPod(WorkerPodFactory.JobRef ref, PlannedWorker worker, Context<HeteroTrainingJob> context,
      List<String> created, List<String> refusals) {
    pods.create(WorkerPodFactory.create(ref, worker), context).ifPresentOrElse(refusals::add, () -> created.add(worker.worker()));
  }

  /**
   * Restarts the disrupted workers whose backoff (per cause) has passed, counting each against its
   * cause's budget; waits for the others; fails the job when a cause has no restart left. A failed
   * or lost worker's pod is deleted (its replacement is created on the next reconcile, as soon as
   * the deletion shows); a vanished one's is created now.
   */
  private void restart(JobObservation obs, HeteroTrainingJobSpec spec, WorkerPodFactory.JobRef ref,
      List<RestartBudget.Disruption> disruptions, Context<HeteroTrainingJob> context, StatusAggregator status,
      List<String> created, List<String> refusals) {
    RestartBudget.Decision decision = RestartBudget.decide(disruptions, status.restarts(), spec.runPolicy(), obs.now());
    if (decision.exhausted().isPresent()) {
      var exhausted = decision.exhausted().get();
      String message = exhausted.message();
      if (exhausted.reason() == Reason.NoCudaDevice) {
        message += disruptions.stream().filter(d -> WorkerPodState.REASON_NO_CUDA_DEVICE.equals(d.reason())).findFirst()
            .map(d -> lastWords(obs, d.worker())).orElse("");
      }
      status.failed(exhausted.reason(), message, spec);
      return;
    }
    Map<String, PlannedWorker> byName = ref.plan().workers().stream()
        .collect(Collectors.toMap(PlannedWorker::worker, w -> w, (a, b) -> a));
    for (RestartBudget.Disruption d : decision.restarts()) {
      if (WorkerPodState.REASON_POD_DELETED.equals(d.reason())) {
        int before = created.size();
        createPod(ref, byName.get(d.worker()), context, created, refusals);
        if (created.size() == before) {
          continue;
        }
      } else {
        WorkerPodState state = obs.podsByWorker().get(d.worker());
        if (WorkerPodState.REASON_NODE_LOST.equals(d.reason()) && state.kind() == WorkerPodState.Kind.TERMINATING) {
          pods.forceDelete(state.pod(), context, obs.now());
        } else {
          pods.delete(state.pod(), context, obs.now());
        }
      }
      status.restarted(d.reason(), d.worker());
      metrics.workerRestarted(d.reason());
      RestartBudget.Bounds bounds = RestartBudget.bounds(spec.runPolicy(), d.cause());
      String count = "restart " + RestartBudget.causeCount(status.restarts(), d.cause()) + " of at most " + bounds.limit()
          + " for " + d.cause().wireName();
      switch (d.reason()) {
        case WorkerPodState.REASON_POD_DELETED -> status.event(Reason.WorkerReplaced, d.worker(), "the pod of worker "
            + d.worker() + " was deleted (not by the operator); recreated it with the same rank (" + count + ")");
        case WorkerPodState.REASON_NODE_LOST -> status.event(Reason.WorkerReplaced, d.worker() + "/" + d.reason(),
            "worker " + d.worker() + " lost its node; recreating it on its new node with the same rank (" + count + ")");
        case WorkerPodState.REASON_STOPPED, WorkerPodState.REASON_EVICTED -> status.event(Reason.WorkerReplaced,
            d.worker() + "/" + d.reason(), "worker " + d.worker() + " was " + (WorkerPodState.REASON_STOPPED.equals(d.reason())
                ? "stopped on request after checkpointing (exit 75)" : "evicted") + "; recreating it with the same rank ("
                + count + ")");
        case WorkerPodState.REASON_NO_CUDA_DEVICE -> status.event(Reason.WorkerFailed, d.worker() + "/" + d.reason(),
            "worker pod " + d.worker() + " exited 69 (NoCudaDevice: no usable CUDA device)" + lastWords(obs, d.worker())
                + "; recreating it with the same rank (" + count + ")");
        default -> status.event(Reason.WorkerFailed, d.worker() + "/" + d.reason(), "worker " + d.worker() + " failed ("
            + d.reason() + "); recreating it with the same rank (" + count + ")");
      }
    }
    decision.waitUntil().ifPresent(status::wakeAt);
  }

  /** ": <the trainer's last line>" of a worker's stopped pod, or "" when it left none. */
  private static String lastWords(JobObservation obs, String worker) {
    WorkerPodState state = obs.podsByWorker().get(worker);
    String words = state == null ? null : WorkerPodState.lastWords(state.pod());
    return words == null ? "" : ": " + words;
  }

  /** When a lost node's worker stopped: the node's NotReady time plus the grace, or (a deleted node) when first seen. */
  private Instant lostAt(JobObservation obs, String node, String podUid) {
    return obs.nodes().stream().filter(n -> n.getMetadata().getName().equals(node)).findFirst()
        .flatMap(n -> NodeHealth.notReadySince(n, obs.now())).map(t -> t.plus(config.nodeLostGrace()))
        .orElseGet(() -> deletions.firstSeen("lost/" + podUid, obs.now()));
  }

  /**
   * A worker of the running (or restarting) job's previous plan has no pod, and this operator did
   * not delete it: the pod was deleted behind its back, and the new one is a replacement to count.
   * Not for workers new to the plan, pods never created (refused), nor while a queued job waits for Kueue.
   */
  private boolean vanished(JobObservation obs, String worker) {
    JobPhase phase = obs.previousPhase();
    // Running, or back to Planned while its coordinator restarts (a coordinator of this job has reported before).
    boolean trained = phase == JobPhase.Running || (phase == JobPhase.Planned && obs.status().coordinator() != null
        && obs.status().coordinator().startedAt() != null);
    return trained && obs.previousPlan().stream().anyMatch(w -> w.worker().equals(worker))
        && !pods.deletedByUs(obs.namespace(), worker, obs.now());
  }

  private static String label(Pod pod, String key) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(key);
  }

  private static boolean sameTemplate(Pod pod, WorkerPodFactory.JobRef ref, PlannedWorker worker) {
    String want = WorkerPodFactory.create(ref, worker).getMetadata().getAnnotations().get(PodTemplateHash.ANNOTATION);
    String have = pod.getMetadata().getAnnotations() == null ? null
        : pod.getMetadata().getAnnotations().get(PodTemplateHash.ANNOTATION);
    return Objects.equals(want, have);
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

  /** Deletes a pod unless it is already going; true when this call deleted it. */
  private boolean deleteOnce(WorkerPodState state, Instant now, Context<HeteroTrainingJob> context) {
    if (state.kind() == WorkerPodState.Kind.TERMINATING || pods.deletionPending(state.pod(), now)) {
      return false;
    }
    pods.delete(state.pod(), context, now);
    return true;
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 8 ? String.join(", ", names)
        : String.join(", ", names.subList(0, 8)) + " and " + (names.size() - 8) + " more";
  }

  /**
   * cleanPodPolicy: Running deletes workers still pending or running, All deletes every worker,
   * None keeps them (for logs). The succeeded coordinator is kept under Running.
   */
  public void cleanUp(JobObservation obs, CleanPodPolicy policy, Set<String> keep, Context<HeteroTrainingJob> context) {
    for (WorkerPodState state : obs.podsByWorker().values()) {
      boolean active = state.kind() == WorkerPodState.Kind.PENDING || state.kind() == WorkerPodState.Kind.RUNNING;
      boolean delete = switch (policy) {
        case ALL -> true;
        case RUNNING -> active && !keep.contains(state.name());
        case NONE -> false;
      };
      if (delete) {
        deleteOnce(state, obs.now(), context);
      }
    }
  }
}
