package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Creates, relabels and deletes worker pods. Creation goes through JOSDK's resource operations, so the next
 * reconcile sees the new pod in the informer's cache even before its watch event arrives; names
 * are deterministic, so "AlreadyExists" means another reconcile (or another operator replica)
 * already created it: done, not an error. Deletions are remembered (PodDeletions) until the
 * informer shows them.
 */
@ApplicationScoped
public class WorkerPodManager {
  @Inject
  PodDeletions deletions;

  /**
   * Creates a worker pod. Empty when created (or it already existed); otherwise why the API server
   * refused it for good (quota exceeded, admission policy, invalid): reported and retried later,
   * never in a hot loop. Other failures are a {@link JobException}.
   */
  public Optional<String> create(Pod pod, Context<HeteroTrainingJob> context) {
    try {
      context.resourceOperations().create(pod, podInformer(context));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 || e.getCode() == 422 || e.getCode() == 400) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
            : e.getMessage();
        return Optional.of(pod.getMetadata().getName() + ": " + message);
      }
      if (e.getCode() != 409) {
        throw JobException.apiRequest("creating pod " + pod.getMetadata().getName(), e);
      }
    }
    return Optional.empty();
  }

  /** Sets one label of a pod in place (a renumbered worker's rank): the pod keeps running. */
  public void relabel(Pod pod, String key, String value, Context<HeteroTrainingJob> context) {
    String patch = Serialization.asJson(Map.of("metadata", Map.of("labels", Map.of(key, value))));
    try {
      context.getClient().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw JobException.apiRequest("relabelling pod " + pod.getMetadata().getName(), e);
      }
    }
  }

  public void delete(Pod pod, Context<HeteroTrainingJob> context, Instant now) {
    delete(pod, context, now, false);
  }

  /** For pods stuck Terminating on a lost node: the kubelet that would confirm is gone. */
  public void forceDelete(Pod pod, Context<HeteroTrainingJob> context, Instant now) {
    delete(pod, context, now, true);
  }

  private void delete(Pod pod, Context<HeteroTrainingJob> context, Instant now, boolean force) {
    var resource = context.getClient().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
    try {
      if (force) {
        resource.withGracePeriod(0).delete();
      } else {
        resource.delete();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw JobException.apiRequest("deleting pod " + pod.getMetadata().getName(), e);
      }
    }
    deletions.deleted(pod.getMetadata().getUid(), pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), now);
  }

  /** This operator deleted the worker's pod recently (a restart, a move, a suspend): its absence is no news. */
  public boolean deletedByUs(String namespace, String podName, Instant now) {
    return deletions.deletedByUs(namespace + "/" + podName, now);
  }

  public boolean deletionPending(Pod pod, Instant now) {
    return deletions.pending(pod.getMetadata().getUid(), now);
  }

  /** The informer of every pod of the watched namespaces (the controller's "worker-pods" event source). */
  @SuppressWarnings("unchecked")
  static InformerEventSource<Pod, HeteroTrainingJob> podInformer(Context<HeteroTrainingJob> context) {
    return (InformerEventSource<Pod, HeteroTrainingJob>) context.eventSourceRetriever()
        .getEventSourceFor(Pod.class, HeteroTrainingJobReconciler.PODS);
  }
}
