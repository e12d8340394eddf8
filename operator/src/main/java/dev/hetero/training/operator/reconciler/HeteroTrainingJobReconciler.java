package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.devices.DraDevices;
import dev.hetero.training.operator.kueue.OrphanedGroups;
import dev.hetero.training.operator.kueue.QueuedJobs;
import dev.hetero.training.operator.kueue.Workloads;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.JobEvent;
import dev.hetero.training.operator.model.JobLabels;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.StatusAggregator;
import dev.hetero.training.operator.model.Times;
import dev.hetero.training.operator.reconciler.dependent.PlanConfigMapDependent;
import dev.hetero.training.operator.reconciler.dependent.TokenSecretDependent;
import dev.hetero.training.operator.reconciler.dependent.TrainerRoleBindingDependent;
import dev.hetero.training.operator.reconciler.dependent.TrainerRoleDependent;
import dev.hetero.training.operator.reconciler.dependent.TrainerServiceAccountDependent;
import dev.hetero.training.operator.reconciler.dependent.WorkerServiceDependent;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reconciles a HeteroTrainingJob as a short list of named steps, each reporting its outcome to
 * one {@link StatusAggregator}: observe -> finished? -> validate -> deadline -> suspend -> plan
 * -> children -> pods (a job queued by Kueue: its queue steps in place of the last three). The reconcile has one exit: it derives phase and conditions from the
 * aggregator, records status once (skipped when unchanged), emits the Events, and picks the
 * requeue once (the earliest wake-up any step asked for). A {@link JobException} from any step is
 * caught here, in one place, and becomes the Running condition's reason, a Warning event and a
 * retry.
 *
 * <p>No finalizer: every child carries an owner reference, so Kubernetes' garbage collector
 * deletes them with the job and the operator needs no update permission on the job itself.
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(type = WorkerServiceDependent.class),
    @Dependent(type = PlanConfigMapDependent.class),
    @Dependent(type = TokenSecretDependent.class),
    @Dependent(type = TrainerServiceAccountDependent.class),
    @Dependent(type = TrainerRoleDependent.class),
    @Dependent(type = TrainerRoleBindingDependent.class)})
// Not generation-aware: the trainer's status reports (a new coordinator's start, per-worker rates) are status-only
// changes this operator turns into its conditions, events and describe table.
@ControllerConfiguration(name = HeteroTrainingJobReconciler.NAME, fieldManager = JobLabels.OPERATOR_NAME,
    generationAwareEventProcessing = false)
public class HeteroTrainingJobReconciler implements Reconciler<HeteroTrainingJob> {
  public static final String NAME = "heterotrainingjob";
  static final String PODS = "worker-pods";
  static final String NODES = "nodes";
  static final String CLAIMS = "checkpoint-claims";
  /** Added to every wake-up, so the reconcile runs just after the instant rather than just before it. */
  static final Duration WAKE_MARGIN = Duration.ofMillis(50);

  @Inject
  OperatorConfig config;
  @Inject
  JobObserver observer;
  @Inject
  FinishedJobs finished;
  @Inject
  SpecCheck specCheck;
  @Inject
  RunPolicySteps runPolicy;
  @Inject
  JobPlanning planning;
  @Inject
  JobChildren children;
  @Inject
  WorkerPodSync pods;
  @Inject
  StatusRecorder statusRecorder;
  @Inject
  JobEvents events;
  @Inject
  JobMetrics metrics;
  @Inject
  QueuedJobs queue;
  @Inject
  Workloads workloads;
  @Inject
  OrphanedGroups orphans;
  @Inject
  DraDevices dra;

  @Override
  public List<EventSource<?, HeteroTrainingJob>> prepareEventSources(EventSourceContext<HeteroTrainingJob> context) {
    metrics.bind(context.getPrimaryCache());
    var primaryCache = context.getPrimaryCache();
    // Every pod of the watched namespaces: the job's own map to it by owner reference, the others
    // feed the planner's view of what is already requested on each node (and, when one ends, wake
    // the running elastic jobs that may grow into what it held).
    var podConfig = InformerEventSourceConfiguration.from(Pod.class, HeteroTrainingJob.class)
        .withName(PODS)
        .withSecondaryToPrimaryMapper(pod -> JobMappers.podJobs(pod, primaryCache::list))
        .build();
    // Nodes are cluster-scoped: any relevant change may concern every job (capacity, readiness).
    var nodeConfig = InformerEventSourceConfiguration.from(Node.class, HeteroTrainingJob.class)
        .withName(NODES)
        .withWatchAllNamespaces()
        .withFollowControllerNamespacesChanges(false)
        .withSecondaryToPrimaryMapper(node -> primaryCache.list().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withOnUpdateFilter(NodeChanges::relevant)
        .build();
    // Claims of the watched namespaces: the checkpoint claims this operator creates (owned, or labelled when retained)
    // and the existing claims jobs name in spec.checkpoint.persistentVolumeClaim (for their CheckpointReady condition).
    var claimConfig = InformerEventSourceConfiguration.from(PersistentVolumeClaim.class, HeteroTrainingJob.class)
        .withName(CLAIMS)
        .withSecondaryToPrimaryMapper(claim -> JobMappers.claimJobs(claim, primaryCache.list().toList()))
        .build();
    InformerEventSource<Pod, HeteroTrainingJob> pods = new InformerEventSource<>(podConfig, context);
    List<EventSource<?, HeteroTrainingJob>> sources = new ArrayList<>(List.of(pods, new InformerEventSource<>(nodeConfig, context),
        new InformerEventSource<>(claimConfig, context)));
    // GPUs published through DRA (ResourceSlices, and the claims that hold them), when resource.k8s.io/v1 is served.
    sources.addAll(dra.eventSources(context));
    // Kueue's Workloads, when its API is served (jobs labelled kueue.x-k8s.io/queue-name).
    workloads.eventSource(context).ifPresent(workloadSource -> {
      sources.add(workloadSource);
      orphans.start(pods, primaryCache, context.getClient());
    });
    return sources;
  }

  @Override
  public UpdateControl<HeteroTrainingJob> reconcile(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    JobObservation obs = observer.observe(job, context);
    StatusAggregator status = new StatusAggregator(obs);
    try {
      queue.releaseStoppedPods(obs, context);
      runSteps(obs, context, status);
      if (status.finished()) {
        finished.settle(obs, status, context);
        queue.settleFinished(obs, context);
      }
    } catch (JobException e) {
      status.blocked(e.reason(), e.getMessage());
      status.wakeAt(obs.now().plus(retryAfter()));
    }
    return conclude(obs, status, context);
  }

  /** The steps, in the order the spec reads; each stops the chain when it decided the job's state. */
  private void runSteps(JobObservation obs, Context<HeteroTrainingJob> context, StatusAggregator status) {
    if (finished.over(obs)) {
      status.keep();
      return;
    }
    Optional<HeteroTrainingJobSpec> valid = specCheck.validate(obs, status);
    if (valid.isEmpty()) {
      return;
    }
    HeteroTrainingJobSpec spec = valid.get();
    status.validated(spec);
    if (runPolicy.deadlinePassed(obs, spec, status) || runPolicy.suspended(obs, spec, status, context)) {
      return;
    }
    if (queue.applies(obs)) {
      // Labelled kueue.x-k8s.io/queue-name: Kueue admits the pods as one group, the plan follows the binding.
      queue.run(obs, spec, context, status);
      return;
    }
    Optional<JobPlanning.Outcome> plan = planning.step(obs, spec, status);
    if (plan.isEmpty()) {
      return;
    }
    var document = children.apply(context, obs, spec, plan.get().workers(), status);
    pods.sync(obs, spec, document, plan.get().lostNodes(), context, status);
  }

  /** The single exit: status recorded once, Events emitted, metrics updated, the requeue chosen. */
  private UpdateControl<HeteroTrainingJob> conclude(JobObservation obs, StatusAggregator status,
      Context<HeteroTrainingJob> context) {
    HeteroTrainingJobStatus next = status.status();
    metrics.reconciled(next.phase());
    try {
      if (statusRecorder.record(obs.job(), next, context)) {
        metrics.plannedPools(obs.job(), next.pools());
      }
      if (status.becameRunning()) {
        Instant created = Times.parse(obs.job().getMetadata().getCreationTimestamp(), obs.now());
        metrics.jobRunning(Duration.between(created, obs.now()));
      }
    } finally {
      // Also when the status write failed: a repeated Event folds into the one emitted now.
      for (JobEvent event : status.events()) {
        events.emit(obs.job(), event);
      }
    }
    return status.wakeUp()
        .map(at -> UpdateControl.<HeteroTrainingJob>noUpdate().rescheduleAfter(delayUntil(obs.now(), at)))
        .orElseGet(UpdateControl::noUpdate);
  }

  private static Duration delayUntil(Instant now, Instant at) {
    Duration delay = Duration.between(now, at).plus(WAKE_MARGIN);
    return delay.compareTo(WAKE_MARGIN) < 0 ? WAKE_MARGIN : delay;
  }

  /** How soon a job blocked by a failed request is tried again. */
  private Duration retryAfter() {
    return config.retryInterval();
  }
}
