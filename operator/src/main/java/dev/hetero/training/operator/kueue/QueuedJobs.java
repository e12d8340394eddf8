package dev.hetero.training.operator.kueue;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.RestartCause;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.Conditions;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.JobStatuses;
import dev.hetero.training.operator.model.NodeInventoryBuilder;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.RestartBudget;
import dev.hetero.training.operator.model.StatusAggregator;
import dev.hetero.training.operator.model.Times;
import dev.hetero.training.operator.model.WorkerPodState;
import dev.hetero.training.operator.reconciler.JobChildren;
import dev.hetero.training.operator.reconciler.WorkerPodSync;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The steps of a job labelled {@code kueue.x-k8s.io/queue-name}, in place of plan -> children ->
 * pods: Kueue's verdict (its Workload, else the pods' gates), an eviction counted once, the plan
 * (a roster until every pod is bound, then sized from the nodes the pods landed on), the children
 * (the plan file withheld until then), and the pods (unpinned, in one Kueue pod group), recreated
 * after an eviction once the backoff allows. Also, in any phase, the finalizer Kueue keeps on
 * stopped pods is removed, and a finished job's group is marked finished for Kueue.
 */
@ApplicationScoped
public class QueuedJobs {
  /** How long an active queued job may go without a reconcile when nothing else asks for one. */
  static final Duration IDLE_RECHECK = Duration.ofMinutes(10);

  @Inject
  public CapacityPlanner planner;
  @Inject
  public OperatorConfig config;
  @Inject
  public JobChildren children;
  @Inject
  public WorkerPodSync pods;
  @Inject
  public KueuePods kueuePods;
  @Inject
  public Workloads workloads;
  @Inject
  public JobMetrics metrics;

  public boolean applies(JobObservation obs) {
    return KueuePodGroup.queued(obs.job());
  }

  /**
   * Any phase: pods that were deleted and stopped lose Kueue's finalizer, so the worker's name is
   * free for its replacement. A pod Kueue stopped for an eviction keeps it until this operator's
   * Workload cache shows that eviction, so the eviction is counted before the pods disappear.
   */
  public void releaseStoppedPods(JobObservation obs, Context<HeteroTrainingJob> context) {
    if (!applies(obs)) {
      return;
    }
    Optional<WorkloadView> workload = workloads.of(obs.job(), context);
    boolean evictionSeen = workload.isEmpty() || workload.get().deleting() || workload.get().isTrue(WorkloadView.EVICTED)
        || workload.get().isTrue(WorkloadView.FINISHED) || obs.previousPhase().isFinished();
    for (WorkerPodState state : obs.podsByWorker().values()) {
      Pod pod = state.pod();
      if (KueuePodGroup.hasFinalizer(pod) && KueuePodGroup.stoppedAfterDeletion(pod, obs.now())
          && (evictionSeen || !KueuePodGroup.stoppedByEviction(pod))) {
        kueuePods.releaseFinalizer(context.getClient(), pod);
      }
    }
  }

  /** The plan, children and pods steps of a queued job (the spec is valid and the job neither suspended nor past its deadline). */
  public void run(JobObservation obs, HeteroTrainingJobSpec spec, Context<HeteroTrainingJob> context, StatusAggregator status) {
    List<String> problems = QueuedPlan.problems(obs.name(), spec);
    if (!problems.isEmpty()) {
      status.failed(Reason.InvalidSpec, "invalid spec: " + String.join("; ", problems), null);
      return;
    }
    String queue = KueuePodGroup.queueName(obs.job()).orElseThrow();
    Collection<Pod> jobPods = obs.podsByWorker().values().stream().map(WorkerPodState::pod).toList();
    QueueVerdict verdict = QueueVerdict.of(queue, KueuePodGroup.groupName(obs.job()), workloads.of(obs.job(), context), jobPods);
    List<PlannedWorker> roster = QueuedPlan.roster(obs.name(), spec);
    if (verdict.eviction().isPresent() && !countEviction(obs, spec, verdict.eviction().get(), roster, status)) {
      return;
    }
    status.queued(verdict);
    announce(obs, verdict, status);

    Map<String, Pod> podsByWorker = obs.podsByWorker().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().pod()));
    QueuedPlan.Decision plan = QueuedPlan.decide(obs.name(), spec, roster, obs.previousPlan(), obs.specChanged(),
        !verdict.waiting(), podsByWorker, nodes(obs), planner);
    if (plan.problem() != null) {
      status.unschedulable(plan.problem());
      status.wakeAt(obs.now().plus(config.unschedulableRetry()));
      return;
    }
    status.active(spec, plan.workers());
    if (plan.kind() == QueuedPlan.Kind.SIZED) {
      long nodes = plan.workers().stream().map(PlannedWorker::node).distinct().count();
      boolean first = obs.previousPlan().stream().allMatch(w -> w.node() == null);
      status.event(first ? Reason.Planned : Reason.Replanned, "", plan.workers().size() + " worker(s) on " + nodes
          + " node(s), sized after Kueue admitted the group and the scheduler bound its pods");
      if (!first) {
        metrics.replanned("Rebound");
      }
    }
    status.wakeAt(obs.now().plus(IDLE_RECHECK));
    if (verdict.reason() == Reason.WaitingForWorkload) {
      // Kueue's Workload appears with an event; without Kueue nothing would wake the job: look again soon.
      status.wakeAt(obs.now().plus(config.retryInterval()));
    }
    PlanDocument document = children.apply(context, obs, spec, plan.workers(), plan.published(), status);
    Optional<Instant> hold = holdUntil(obs, spec, verdict, status.restarts());
    if (hold.isPresent()) {
      status.wakeAt(hold.get());
      return;
    }
    // No lost-node re-plan for a queued job (a pod may have no node yet: emptySet tolerates the lookup).
    pods.sync(obs, spec, document, java.util.Collections.emptySet(), context, status);
  }

  /**
   * A finished job (this reconcile or before): its group is marked not retriable, so Kueue finishes
   * the Workload and frees the quota once every pod has stopped (whatever cleanPodPolicy keeps).
   */
  public void settleFinished(JobObservation obs, Context<HeteroTrainingJob> context) {
    if (!applies(obs)) {
      return;
    }
    List<Pod> left = obs.podsByWorker().values().stream().map(WorkerPodState::pod).toList();
    if (left.stream().anyMatch(KueuePodGroup::markedUnretriable)) {
      return;
    }
    // One pod is enough; prefer one that stays (the coordinator kept for its logs) over one being deleted.
    left.stream().min(java.util.Comparator.comparing(p -> p.getMetadata().getDeletionTimestamp() != null))
        .ifPresent(p -> kueuePods.markUnretriable(context.getClient(), p));
  }

  /**
   * One restart of the eviction's reason per eviction: recorded at the eviction's time or later, so it is seen as counted.
   * Counted against the preemption budget (runPolicy.restarts.preempted); false when that budget is used up and the job fails.
   */
  private boolean countEviction(JobObservation obs, HeteroTrainingJobSpec spec, QueueVerdict.Eviction eviction,
      List<PlannedWorker> roster, StatusAggregator status) {
    Instant at = eviction.at() == null ? obs.now() : eviction.at();
    boolean counted = status.restarts().stream().anyMatch(r -> r.reason().equals(eviction.restartReason())
        && !Times.parse(r.lastTime(), Instant.EPOCH).isBefore(at));
    if (counted) {
      return true;
    }
    String coordinator = roster.isEmpty() ? obs.name() : roster.get(0).worker();
    var bounds = RestartBudget.bounds(spec.runPolicy(), RestartCause.PREEMPTED);
    int sofar = RestartBudget.causeCount(status.restarts(), RestartCause.PREEMPTED);
    if (sofar >= bounds.limit()) {
      status.failed(Reason.PreemptionLimitExceeded, "Kueue evicted the pod group (" + eviction.message() + ") after " + sofar
          + " Preempted restart(s); " + bounds.limitField() + " is " + bounds.limit(), spec);
      return false;
    }
    status.restartedAt(eviction.restartReason(), coordinator, at.isAfter(obs.now()) ? at : obs.now());
    metrics.workerRestarted(eviction.restartReason());
    Reason reason = WorkerPodState.REASON_PREEMPTED.equals(eviction.restartReason()) ? Reason.Preempted : Reason.EvictedByKueue;
    status.event(reason, at.toString(), "Kueue evicted the pod group (" + eviction.message() + "); its pods are created"
        + " again after the backoff and wait for quota (Preempted restart " + (sofar + 1) + " of at most " + bounds.limit()
        + "; not counted in restartCount)");
    return true;
  }

  /** Events on the way in and out of the queue (folded: one of each per job, counted). */
  private static void announce(JobObservation obs, QueueVerdict verdict, StatusAggregator status) {
    boolean wasWaiting = obs.status() != null && Conditions.isTrue(obs.status().conditions(), ConditionType.Queued);
    boolean wasAdmitted = obs.status() != null && Conditions.find(obs.status().conditions(), ConditionType.Queued)
        .map(c -> "False".equals(c.status())).orElse(false);
    if (verdict.waiting() && !wasWaiting) {
      status.event(Reason.Queued, "", verdict.message());
    } else if (!verdict.waiting() && !wasAdmitted) {
      status.event(verdict.reason(), "", verdict.message());
    }
  }

  /**
   * After an eviction the group is created again only once the preemption backoff allows
   * (runPolicy.restarts.preempted, doubling per preemption, capped), and never while its old
   * Workload is still being deleted.
   */
  private Optional<Instant> holdUntil(JobObservation obs, HeteroTrainingJobSpec spec, QueueVerdict verdict,
      List<RestartRecord> restarts) {
    if (verdict.workloadTerminating()) {
      return Optional.of(obs.now().plus(config.retryInterval()));
    }
    List<RestartRecord> evictions = restarts == null ? List.of()
        : restarts.stream().filter(r -> JobStatuses.NOT_FAILURES.contains(r.reason())).toList();
    if (evictions.isEmpty()) {
      return Optional.empty();
    }
    Instant last = evictions.stream().map(r -> Times.parse(r.lastTime(), Instant.EPOCH)).max(Instant::compareTo).orElseThrow();
    Instant due = RestartBudget.dueAfter(last, restarts, spec.runPolicy(), RestartCause.PREEMPTED);
    return due.isAfter(obs.now()) ? Optional.of(due) : Optional.empty();
  }

  /** The planner's view of each node, for sizing from the nodes the pods are bound to. */
  private static Function<String, NodeInfo> nodes(JobObservation obs) {
    Map<String, NodeInfo> byName = NodeInventoryBuilder.build(obs.nodes(), obs.allPods(), obs.job().getMetadata().getUid(),
        Set.of(), obs.devices()).stream().collect(Collectors.toMap(NodeInfo::name, Function.identity(), (a, b) -> a));
    return byName::get;
  }
}
