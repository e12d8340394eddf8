package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.operator.model.CheckpointVolume;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.StatusAggregator;
import dev.hetero.training.operator.reconciler.dependent.DesiredPlan;
import dev.hetero.training.operator.devices.DraDevices;
import dev.hetero.training.operator.model.DeviceClaims;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The children step: Service, plan ConfigMap, token Secret, ServiceAccount, Role, RoleBinding, the
 * checkpoint claim and the ResourceClaimTemplates of pools that claim GPUs through DRA,
 * through the dependent workflow (explicit invocation, so it runs after planning with the plan
 * in its context). A dependent that cannot be applied is a {@link JobException}: the job's
 * Running condition names it, and the pods step does not run.
 */
@ApplicationScoped
public class JobChildren {

  /** Applies the children for this plan; returns the plan document they mount (and the pods are built from). */
  public PlanDocument apply(Context<HeteroTrainingJob> context, JobObservation obs, HeteroTrainingJobSpec spec,
      List<PlannedWorker> workers, StatusAggregator status) {
    return apply(context, obs, spec, workers, true, status);
  }

  /**
   * As {@link #apply(Context, JobObservation, HeteroTrainingJobSpec, List)}; with {@code publish}
   * false the plan ConfigMap carries no plan file yet (a queued job before its pods are bound: the
   * document has the workers' names and ranks, which the pods need, but no work).
   */
  public PlanDocument apply(Context<HeteroTrainingJob> context, JobObservation obs, HeteroTrainingJobSpec spec,
      List<PlannedWorker> workers, boolean publish, StatusAggregator status) {
    PlanDocument document = planDocument(obs, spec, workers);
    ensureCheckpointClaim(context, obs, spec).ifPresent(status::checkpointClaimCreated);
    ensureDeviceClaimTemplates(context, obs, spec);
    (publish ? DesiredPlan.of(document) : DesiredPlan.withheld(document)).putInto(context);
    try {
      // With explicit invocation JOSDK throws the dependents' errors as one aggregated exception.
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();
    } catch (AggregatedOperatorException e) {
      String errors = e.getAggregatedExceptions().entrySet().stream()
          .map(x -> shortName(x.getKey()) + ": " + rootMessage(x.getValue())).sorted().collect(Collectors.joining("; "));
      throw new JobException(Reason.ChildrenNotApplied, "children not applied: " + errors, e);
    }
    return document;
  }

  /**
   * The checkpoint claim of a claim template, created once (never updated: a claim's spec is
   * immutable, and the volume must outlive pods); owned by the job unless whenDeleted is Retain.
   * Created through JOSDK's resource operations, so the next reconcile sees it in the cache.
   */
  Optional<PersistentVolumeClaim> ensureCheckpointClaim(Context<HeteroTrainingJob> context, JobObservation obs,
      HeteroTrainingJobSpec spec) {
    Optional<PersistentVolumeClaim> desired = CheckpointVolume.desiredClaim(obs.job(), spec.checkpoint());
    if (desired.isEmpty() || obs.checkpointClaim().isPresent()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(context.resourceOperations().create(desired.get(), claimInformer(context)));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Optional.empty();
      }
      String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
      throw new JobException(Reason.ChildrenNotApplied, "children not applied: checkpoint claim "
          + desired.get().getMetadata().getName() + ": " + message, e);
    }
  }

  /**
   * The ResourceClaimTemplate of each pool that claims its GPUs through DRA. A template's spec cannot change, so one
   * that asks for something else (gpusPerWorker or the DeviceClass changed) is replaced; pods created before keep the
   * claims they were given.
   */
  void ensureDeviceClaimTemplates(Context<HeteroTrainingJob> context, JobObservation obs, HeteroTrainingJobSpec spec) {
    for (ResourceClaimTemplate desired : DeviceClaims.desiredTemplates(obs.job(), spec)) {
      var templates = context.getClient().resources(ResourceClaimTemplate.class).inNamespace(obs.namespace());
      try {
        ResourceClaimTemplate existing = templates.withName(desired.getMetadata().getName()).get();
        if (existing != null && DeviceClaims.sameRequest(existing, desired)) {
          continue;
        }
        if (existing != null) {
          templates.resource(existing).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        }
        templates.resource(desired).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          continue;
        }
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        throw new JobException(Reason.ChildrenNotApplied, "children not applied: ResourceClaimTemplate "
            + desired.getMetadata().getName() + " (" + DraDevices.API_VERSION + "): " + message, e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static InformerEventSource<PersistentVolumeClaim, HeteroTrainingJob> claimInformer(Context<HeteroTrainingJob> context) {
    return (InformerEventSource<PersistentVolumeClaim, HeteroTrainingJob>) context.eventSourceRetriever()
        .getEventSourceFor(PersistentVolumeClaim.class, HeteroTrainingJobReconciler.CLAIMS);
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

  /** "dev...TokenSecretDependent" -> "TokenSecret". */
  private static String shortName(String dependent) {
    String simple = dependent.substring(dependent.lastIndexOf('.') + 1);
    return simple.endsWith("Dependent") ? simple.substring(0, simple.length() - "Dependent".length()) : simple;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
