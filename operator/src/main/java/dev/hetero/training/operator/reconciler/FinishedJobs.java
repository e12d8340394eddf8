package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.CleanPodPolicy;
import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.model.Conditions;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.StatusAggregator;
import dev.hetero.training.operator.model.Times;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The end of a job's life. "Finished?": a Succeeded or Failed job is only cleaned up and, after
 * ttlSecondsAfterFinished, deleted; a job that failed for an invalid spec is looked at again once
 * its spec changes. The same settling applies in the reconcile that finishes a job.
 */
@ApplicationScoped
public class FinishedJobs {
  private static final Logger LOG = Logger.getLogger(FinishedJobs.class);

  @Inject
  WorkerPodSync pods;

  /** Finished before this reconcile, and not a job failed for an invalid spec whose spec changed since. */
  public boolean over(JobObservation obs) {
    return obs.previousPhase().isFinished() && !(invalidSpec(obs.status()) && obs.specChanged());
  }

  /**
   * For a job finished by this reconcile or before: apply cleanPodPolicy (a succeeded coordinator
   * stays for its logs under Running) and delete the job once ttlSecondsAfterFinished passed, or
   * look again when it will have. A job failed for an invalid spec only has its workers stopped:
   * a spec that failed validation is not trusted for its cleanPodPolicy or its TTL.
   */
  public void settle(JobObservation obs, StatusAggregator status, Context<HeteroTrainingJob> context) {
    HeteroTrainingJobStatus next = status.status();
    if (invalidSpec(next)) {
      pods.cleanUp(obs, CleanPodPolicy.RUNNING, Set.of(), context);
      return;
    }
    Optional<HeteroTrainingJobSpec> spec = status.spec().or(() -> defaulted(obs.job().getSpec()));
    if (spec.isEmpty()) {
      return;
    }
    String coordinator = status.plan().stream().filter(w -> w.rank() == 0).map(PlannedWorker::worker).findFirst().orElse("");
    pods.cleanUp(obs, spec.get().runPolicy().cleanPodPolicy(), Set.of(coordinator), context);
    Integer ttl = spec.get().runPolicy().ttlSecondsAfterFinished();
    if (ttl == null) {
      return;
    }
    Instant completion = Times.parse(next.completionTime(), obs.now());
    Instant due = completion.plusSeconds(ttl);
    if (due.isAfter(obs.now())) {
      status.wakeAt(due);
      return;
    }
    LOG.infof("deleting %s/%s: finished at %s, ttlSecondsAfterFinished %d", obs.namespace(), obs.name(), completion, ttl);
    try {
      context.getClient().resource(obs.job()).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw JobException.apiRequest("deleting the job after ttlSecondsAfterFinished", e);
      }
    }
  }

  private static boolean invalidSpec(HeteroTrainingJobStatus status) {
    return status != null && Conditions.isTrueBecause(status.conditions(), ConditionType.Failed, Reason.InvalidSpec);
  }

  private static Optional<HeteroTrainingJobSpec> defaulted(HeteroTrainingJobSpec spec) {
    try {
      return Optional.of(SpecDefaults.apply(spec));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
