package dev.hetero.training.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * Creates and deletes worker pods, and remembers doing so (PodExpectations) until the informer
 * shows it. Names are deterministic, so "AlreadyExists" means another reconcile (or another
 * operator replica) already created the pod: success, not error.
 */
@ApplicationScoped
public class WorkerPodManager {
  @Inject
  KubernetesClient client;

  @Inject
  PodExpectations expectations;

  /**
   * Creates a worker pod. Empty when created (or it already existed); otherwise why the API server
   * refused it for good (quota exceeded, admission policy, invalid): such a refusal is reported
   * and retried later, not thrown into a hot retry loop. Transient errors are thrown (JOSDK retries).
   */
  public java.util.Optional<String> create(Pod pod, Instant now) {
    String key = PodExpectations.key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 || e.getCode() == 422 || e.getCode() == 400) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
            : e.getMessage();
        return java.util.Optional.of(pod.getMetadata().getName() + ": " + message);
      }
      if (e.getCode() != 409) {
        throw e;
      }
    }
    expectations.expectCreated(key, now);
    return java.util.Optional.empty();
  }

  public void delete(Pod pod, Instant now) {
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    expectations.expectDeleted(pod.getMetadata().getUid(), now);
  }

  /** For pods stuck Terminating on a lost node: the kubelet that would confirm is gone. */
  public void forceDelete(Pod pod, Instant now) {
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    expectations.expectDeleted(pod.getMetadata().getUid(), now);
  }

  public boolean creationPending(Pod pod, String namespace, String name, Instant now) {
    String key = PodExpectations.key(namespace, name);
    if (pod != null) {
      expectations.observedPod(key);
      return false;
    }
    return expectations.creationPending(key, now);
  }

  public boolean deletionPending(Pod pod, Instant now) {
    return expectations.deletionPending(pod.getMetadata().getUid(), now);
  }
}
