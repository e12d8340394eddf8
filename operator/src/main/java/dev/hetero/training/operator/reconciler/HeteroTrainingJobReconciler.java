package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.CleanPodPolicy;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolStatus;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.api.validation.SpecValidator;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.JobLabels;
import dev.hetero.training.operator.model.JobStatuses;
import dev.hetero.training.operator.model.Times;
import dev.hetero.training.operator.model.PhaseCalculator;
import dev.hetero.training.operator.model.PhaseCalculator.Verdict;
import dev.hetero.training.operator.model.WorkerPodState;
import dev.hetero.training.operator.reconciler.dependent.DesiredPlan;
import dev.hetero.training.operator.reconciler.dependent.PlanConfigMapDependent;
import dev.hetero.training.operator.reconciler.dependent.TokenSecretDependent;
import dev.hetero.training.operator.reconciler.dependent.TrainerRoleBindingDependent;
import dev.hetero.training.operator.reconciler.dependent.TrainerRoleDependent;
import dev.hetero.training.operator.reconciler.dependent.TrainerServiceAccountDependent;
import dev.hetero.training.operator.reconciler.dependent.WorkerServiceDependent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reconciles a HeteroTrainingJob in named steps:
 * observe -> (finished: clean up, expire) -> validate -> deadline -> suspend -> plan -> act
 * (plain children through the dependent workflow, worker pods explicitly) -> write status.
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
@ControllerConfiguration(name = HeteroTrainingJobReconciler.NAME, fieldManager = JobLabels.OPERATOR_NAME)
public class HeteroTrainingJobReconciler implements Reconciler<HeteroTrainingJob> {
  public static final String NAME = "heterotrainingjob";
  static final String PODS = "worker-pods";
  static final String NODES = "nodes";
  private static final Logger LOG = Logger.getLogger(HeteroTrainingJobReconciler.class);

  @Inject
  OperatorConfig config;
  @Inject
  JobPlanning planning;
  @Inject
  StatusWriter statusWriter;
  @Inject
  JobEvents events;
  @Inject
  JobMetrics metrics;
  @Inject
  PodExpectations expectations;
  @Inject
  KubernetesClient client;
  @Inject
  WorkerPodSync podSync;

  /** When each failed pod was first seen failing, for pods that carry no finish time. */
  private final Map<String, Instant> failureSeen = new ConcurrentHashMap<>();
  private volatile Instant lastPrune = Instant.EPOCH;

  @Override
  public List<EventSource<?, HeteroTrainingJob>> prepareEventSources(EventSourceContext<HeteroTrainingJob> context) {
    metrics.bind(context.getPrimaryCache());
    // Every pod of the watched namespaces: the job's own map to it by owner reference, the others
    // only feed the planner's view of what is already requested on each node.
    var podConfig = InformerEventSourceConfiguration.from(Pod.class, HeteroTrainingJob.class)
        .withName(PODS)
        .withSecondaryToPrimaryMapper(HeteroTrainingJobReconciler::ownerJob)
        .build();
    var primaryCache = context.getPrimaryCache();
    // Nodes are cluster-scoped: any relevant change may concern every job (capacity, readiness).
    var nodeConfig = InformerEventSourceConfiguration.from(Node.class, HeteroTrainingJob.class)
        .withName(NODES)
        .withWatchAllNamespaces()
        .withFollowControllerNamespacesChanges(false)
        .withSecondaryToPrimaryMapper(node -> primaryCache.list().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withOnUpdateFilter(NodeChanges::relevant)
        .build();
    return List.of(new InformerEventSource<>(podConfig, context), new InformerEventSource<>(nodeConfig, context));
  }

  static Set<ResourceID> ownerJob(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return Set.of();
    }
    return owners.stream()
        .filter(o -> HeteroTrainingJob.KIND.equals(o.getKind()) && o.getApiVersion() != null
            && o.getApiVersion().startsWith(HeteroTrainingJob.GROUP + "/"))
        .map(o -> new ResourceID(o.getName(), pod.getMetadata().getNamespace()))
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<HeteroTrainingJob> reconcile(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    JobObservation obs = observe(job, context);
    pruneMemory(context, obs.now());

    if (obs.previousPhase().isFinished() && !(isInvalidSpec(obs.status()) && obs.specChanged())) {
      return afterTheEnd(obs);
    }
    List<String> problems = validate(job.getSpec());
    if (!problems.isEmpty()) {
      return fail(obs, "InvalidSpec", "invalid spec: " + String.join("; ", problems), null);
    }
    HeteroTrainingJobSpec spec = SpecDefaults.apply(job.getSpec());
    Optional<String> deadline = deadlineExceeded(obs, spec);
    if (deadline.isPresent()) {
      return fail(obs, "DeadlineExceeded", deadline.get(), spec);
    }
    if (Boolean.TRUE.equals(spec.runPolicy().suspend())) {
      return suspend(obs);
    }
    if (obs.previousPhase() == JobPhase.Suspended) {
      events.normal(job, "Resumed", "runPolicy.suspend is false again: planning and recreating the worker pods");
    }
    JobPlanning.Outcome plan = planning.plan(obs, spec);
    if (plan.kind() == JobPlanning.Kind.UNSCHEDULABLE) {
      return unschedulable(obs, plan.message());
    }
    announcePlan(obs, plan);
    applyChildren(context, obs, spec, plan.workers());
    WorkerPodSync.Result sync = podSync.sync(obs, spec, plan.workers(), plan.lostNodes());
    if (sync.giveUp().isPresent()) {
      return fail(obs, "BackoffLimitExceeded", sync.giveUp().get(), spec, sync.restarts());
    }
    return writeActiveStatus(obs, spec, plan, sync);
  }

  // ---------------------------------------------------------------- observe

  private JobObservation observe(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    Instant now = Instant.now();
    HeteroTrainingJobStatus status = statusWriter.freshest(job);
    String uid = job.getMetadata().getUid();
    InformerEventSource<Pod, HeteroTrainingJob> podSource = informer(context, Pod.class, PODS);
    InformerEventSource<Node, HeteroTrainingJob> nodeSource = informer(context, Node.class, NODES);
    Map<String, WorkerPodState> podsByWorker = new HashMap<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      if (!ownedBy(pod, uid)) {
        continue;
      }
      Instant seen = "Failed".equals(pod.getStatus() == null ? null : pod.getStatus().getPhase())
          ? failureSeen.computeIfAbsent(pod.getMetadata().getUid(), k -> now) : now;
      podsByWorker.put(pod.getMetadata().getName(), WorkerPodState.of(pod, seen));
      expectations.observedPod(PodExpectations.key(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
    }
    Collection<Node> nodes = nodeSource.list().toList();
    Collection<Pod> allPods = podSource.list().toList();
    Optional<ConfigMap> planConfigMap = context.getSecondaryResource(ConfigMap.class);
    return new JobObservation(job, status, podsByWorker, nodes, allPods, planConfigMap, now);
  }

  @SuppressWarnings("unchecked")
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> InformerEventSource<R, HeteroTrainingJob> informer(
      Context<HeteroTrainingJob> context, Class<R> type, String name) {
    return (InformerEventSource<R, HeteroTrainingJob>) context.eventSourceRetriever().getEventSourceFor(type, name);
  }

  private static boolean ownedBy(Pod pod, String uid) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> Objects.equals(uid, o.getUid()));
  }

  // ---------------------------------------------------------------- validate

  static List<String> validate(HeteroTrainingJobSpec spec) {
    try {
      return SpecValidator.validate(spec);
    } catch (RuntimeException e) {
      return List.of("spec cannot be read: " + e.getMessage());
    }
  }

  private static boolean isInvalidSpec(HeteroTrainingJobStatus status) {
    return status != null && status.conditions() != null && status.conditions().stream()
        .anyMatch(c -> "Failed".equals(c.type()) && "True".equals(c.status()) && "InvalidSpec".equals(c.reason()));
  }

  // ---------------------------------------------------------------- deadline, suspend

  private static Optional<String> deadlineExceeded(JobObservation obs, HeteroTrainingJobSpec spec) {
    Long seconds = spec.runPolicy().activeDeadlineSeconds();
    String start = obs.status() == null ? null : obs.status().startTime();
    if (seconds == null || start == null) {
      return Optional.empty();
    }
    Instant due = Times.parse(start).plusSeconds(seconds);
    return due.isAfter(obs.now()) ? Optional.empty()
        : Optional.of("the job ran longer than runPolicy.activeDeadlineSeconds (" + seconds + "s since " + start + ")");
  }

  private UpdateControl<HeteroTrainingJob> suspend(JobObservation obs) {
    podSync.deleteAll(obs);
    // A pod created but not yet seen would otherwise block its re-creation on resume; if it shows
    // up later, the pod event brings the job back here and it is deleted then.
    obs.previousPlan().forEach(w -> expectations.forgetCreated(PodExpectations.key(obs.namespace(), w.worker())));
    if (obs.previousPhase() != JobPhase.Suspended) {
      events.normal(obs.job(), "Suspended", "runPolicy.suspend is true: deleted " + obs.podsByWorker().size()
          + " worker pod(s); the other children stay");
    }
    Verdict verdict = new Verdict(JobPhase.Suspended, "Suspended", "runPolicy.suspend is true; worker pods deleted");
    write(obs, new JobStatuses.Facts(verdict, null, null, null, null, null, obs.restarts()));
    return UpdateControl.noUpdate();
  }

  private UpdateControl<HeteroTrainingJob> unschedulable(JobObservation obs, String message) {
    if (obs.previousPhase() != JobPhase.Unschedulable || !message.equals(conditionMessage(obs, "Unschedulable"))) {
      events.warning(obs.job(), "Unschedulable", message);
    }
    Verdict verdict = new Verdict(JobPhase.Unschedulable, "InsufficientCapacity", message);
    write(obs, new JobStatuses.Facts(verdict, null, null, null, null, null, obs.restarts()));
    return UpdateControl.<HeteroTrainingJob>noUpdate().rescheduleAfter(config.unschedulableRetry());
  }

  private static String conditionMessage(JobObservation obs, String type) {
    if (obs.status() == null || obs.status().conditions() == null) {
      return null;
    }
    return obs.status().conditions().stream().filter(c -> type.equals(c.type())).map(c -> c.message()).findFirst()
        .orElse(null);
  }

  // ---------------------------------------------------------------- plan, act

  private void announcePlan(JobObservation obs, JobPlanning.Outcome plan) {
    switch (plan.kind()) {
      case FRESH -> {
        if (!plan.workers().equals(obs.previousPlan())) {
          long nodes = plan.workers().stream().map(PlannedWorker::node).distinct().count();
          events.normal(obs.job(), obs.previousPlan().isEmpty() ? "Planned" : "Replanned",
              plan.workers().size() + " worker(s) on " + nodes + " node(s)");
          if (!obs.previousPlan().isEmpty()) {
            metrics.replanned("SpecOrCapacityChanged");
          }
        }
      }
      case REPLANNED -> {
        events.warning(obs.job(), "NodeLost", plan.message());
        metrics.replanned("NodeLost");
      }
      case MOVED -> {
        events.warning(obs.job(), "WorkerUnschedulable", plan.message());
        metrics.replanned("WorkerUnschedulable");
      }
      default -> {
      }
    }
  }

  /** Service, plan ConfigMap, token Secret, ServiceAccount, Role, RoleBinding: the dependent workflow. */
  private void applyChildren(Context<HeteroTrainingJob> context, JobObservation obs, HeteroTrainingJobSpec spec,
      List<PlannedWorker> workers) {
    DesiredPlan.of(planDocument(obs, spec, workers)).putInto(context);
    var result = context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    result.throwAggregateExceptionIfErrorsPresent();
  }

  /** The plan document; its version grows only when its content changes. */
  static PlanDocument planDocument(JobObservation obs, HeteroTrainingJobSpec spec, List<PlannedWorker> workers) {
    long version = 1;
    Optional<String> current = obs.planConfigMap().map(cm -> cm.getData() == null ? null : cm.getData()
        .get(WorkerEnv.PLAN_FILE_NAME));
    if (current.isPresent()) {
      try {
        PlanDocument old = PlanCodec.fromJson(current.get());
        PlanDocument same = new PlanDocument(obs.name(), obs.namespace(), old.planVersion(), spec, workers);
        version = PlanCodec.toJson(same).equals(current.get()) ? old.planVersion() : old.planVersion() + 1;
      } catch (IllegalArgumentException e) {
        version = 1;
      }
    }
    return new PlanDocument(obs.name(), obs.namespace(), version, spec, workers);
  }

  // ---------------------------------------------------------------- status

  private UpdateControl<HeteroTrainingJob> writeActiveStatus(JobObservation obs, HeteroTrainingJobSpec spec,
      JobPlanning.Outcome plan, WorkerPodSync.Result sync) {
    List<PlannedWorker> workers = plan.workers();
    String coordinator = workers.stream().filter(w -> w.rank() == 0).map(PlannedWorker::worker).findFirst().orElseThrow();
    JobPhase phase = PhaseCalculator.activePhase(obs.podsByWorker(),
        workers.stream().map(PlannedWorker::worker).toList(), coordinator, obs.previousPhase());
    List<PoolStatus> pools = JobStatuses.pools(spec, workers, obs.podsByWorker());
    String start = obs.status() != null && obs.status().startTime() != null ? obs.status().startTime() : obs.now().toString();
    if (phase == JobPhase.Succeeded) {
      events.normal(obs.job(), "Completed", "the coordinator " + coordinator + " exited 0");
      Verdict verdict = new Verdict(JobPhase.Succeeded, "Completed", "the coordinator " + coordinator + " exited 0");
      write(obs, new JobStatuses.Facts(verdict, workers, pools, JobStatuses.workersReady(pools), start,
          obs.now().toString(), sync.restarts()));
      podSync.cleanUp(obs, spec.runPolicy().cleanPodPolicy(), Set.of(coordinator));
      return ttl(obs, spec, obs.now());
    }
    if (phase == JobPhase.Running && obs.previousPhase() != JobPhase.Running) {
      Instant created = Times.parse(obs.job().getMetadata().getCreationTimestamp(), obs.now());
      metrics.jobRunning(Duration.between(created, obs.now()));
      events.normal(obs.job(), "Running", "all " + workers.size() + " worker(s) are running");
    }
    Verdict verdict = phase == JobPhase.Running
        ? new Verdict(JobPhase.Running, "WorkersRunning", "the coordinator and workers are running")
        : new Verdict(JobPhase.Planned, "WorkersStarting", workers.size() + " worker(s) planned; waiting for their pods to run");
    write(obs, new JobStatuses.Facts(verdict, workers, pools, JobStatuses.workersReady(pools), start, null,
        sync.restarts()));
    Duration next = Duration.ofMinutes(10);
    Instant wake = earliest(sync.wakeUp(), plan.recheckAt());
    Long deadline = spec.runPolicy().activeDeadlineSeconds();
    if (deadline != null) {
      wake = earliest(Optional.ofNullable(wake), Optional.of(Times.parse(start).plusSeconds(deadline)));
    }
    if (wake != null) {
      next = Duration.between(obs.now(), wake).plusMillis(50);
      if (next.isNegative()) {
        next = Duration.ofMillis(50);
      }
    }
    return UpdateControl.<HeteroTrainingJob>noUpdate().rescheduleAfter(next);
  }

  private static Instant earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b.orElse(null);
    }
    if (b.isEmpty()) {
      return a.get();
    }
    return a.get().isBefore(b.get()) ? a.get() : b.get();
  }

  private UpdateControl<HeteroTrainingJob> fail(JobObservation obs, String reason, String message,
      HeteroTrainingJobSpec spec) {
    return fail(obs, reason, message, spec, obs.restarts());
  }

  private UpdateControl<HeteroTrainingJob> fail(JobObservation obs, String reason, String message,
      HeteroTrainingJobSpec spec, List<RestartRecord> restarts) {
    if (obs.previousPhase() != JobPhase.Failed || !message.equals(conditionMessage(obs, "Failed"))) {
      events.warning(obs.job(), reason, message);
    }
    HeteroTrainingJobStatus s = obs.status();
    List<PlannedWorker> plan = obs.previousPlan();
    List<PoolStatus> pools = spec == null ? null : JobStatuses.pools(spec, plan, obs.podsByWorker());
    String completion = s != null && s.completionTime() != null && obs.previousPhase() == JobPhase.Failed
        ? s.completionTime() : obs.now().toString();
    write(obs, new JobStatuses.Facts(new Verdict(JobPhase.Failed, reason, message), plan, pools,
        pools == null ? null : JobStatuses.workersReady(pools), s == null ? null : s.startTime(), completion, restarts));
    if (spec == null) {
      // An invalid spec cannot be trusted for its cleanPodPolicy: stop what still runs, as Running would.
      podSync.cleanUp(obs, CleanPodPolicy.RUNNING, Set.of());
      return UpdateControl.noUpdate();
    }
    podSync.cleanUp(obs, spec.runPolicy().cleanPodPolicy(), Set.of());
    return ttl(obs, spec, Times.parse(completion));
  }

  /** A finished job: apply cleanPodPolicy, and delete the job once ttlSecondsAfterFinished passed. */
  private UpdateControl<HeteroTrainingJob> afterTheEnd(JobObservation obs) {
    HeteroTrainingJobSpec spec;
    try {
      spec = SpecDefaults.apply(obs.job().getSpec());
    } catch (RuntimeException e) {
      return UpdateControl.noUpdate();
    }
    String coordinator = obs.previousPlan().stream().filter(w -> w.rank() == 0).map(PlannedWorker::worker)
        .findFirst().orElse("");
    podSync.cleanUp(obs, spec.runPolicy().cleanPodPolicy(), Set.of(coordinator));
    String completion = obs.status().completionTime();
    return ttl(obs, spec, completion == null ? obs.now() : Times.parse(completion));
  }

  private UpdateControl<HeteroTrainingJob> ttl(JobObservation obs, HeteroTrainingJobSpec spec, Instant completion) {
    Integer ttl = spec.runPolicy().ttlSecondsAfterFinished();
    if (ttl == null) {
      return UpdateControl.noUpdate();
    }
    Instant due = completion.plusSeconds(ttl);
    if (!due.isAfter(obs.now())) {
      LOG.infof("deleting %s/%s: finished at %s, ttlSecondsAfterFinished %d", obs.namespace(), obs.name(), completion, ttl);
      client.resource(obs.job()).delete();
      return UpdateControl.noUpdate();
    }
    return UpdateControl.<HeteroTrainingJob>noUpdate().rescheduleAfter(Duration.between(obs.now(), due).plusMillis(50));
  }

  private void write(JobObservation obs, JobStatuses.Facts facts) {
    HeteroTrainingJobStatus next = JobStatuses.next(obs.status(), facts, obs.generation(), obs.now());
    if (statusWriter.write(obs.job(), obs.status(), next)) {
      metrics.plannedPools(obs.job(), next.pools());
    }
  }

  /** Every few minutes, forget what belongs to jobs that are gone. */
  private void pruneMemory(Context<HeteroTrainingJob> context, Instant now) {
    if (Duration.between(lastPrune, now).compareTo(Duration.ofMinutes(5)) < 0) {
      return;
    }
    lastPrune = now;
    expectations.prune(now);
    Set<String> uids = context.getPrimaryCache().list().map(j -> j.getMetadata().getUid()).collect(Collectors.toSet());
    statusWriter.retainOnly(uids);
    metrics.retainJobs(context.getPrimaryCache().list()
        .map(j -> j.getMetadata().getNamespace() + "/" + j.getMetadata().getName()).collect(Collectors.toSet()));
    failureSeen.values().removeIf(seen -> seen.plus(Duration.ofHours(1)).isBefore(now));
  }

}
