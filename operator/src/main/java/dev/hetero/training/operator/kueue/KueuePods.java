package dev.hetero.training.operator.kueue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The two pod writes the Kueue contract needs beyond creating and deleting pods (RBAC: {@code patch}
 * on pods). Kueue keeps its finalizer on a stopped pod of a group until a replacement pod with
 * another name exists; this operator replaces a worker under the same name, so it removes that
 * finalizer itself from pods that no longer run. And when a job ends, one annotation tells Kueue the
 * group will not be replaced ({@code retriable-in-group: "false"}), so Kueue declares it finished
 * and frees its quota once every pod has stopped.
 */
@ApplicationScoped
public class KueuePods {
  private static final Logger LOG = Logger.getLogger(KueuePods.class);

  /** Removes Kueue's finalizer (a JSON patch that tests its position first, so a stale view changes nothing). */
  public void releaseFinalizer(KubernetesClient client, Pod pod) {
    List<String> finalizers = pod.getMetadata().getFinalizers();
    int at = finalizers == null ? -1 : finalizers.indexOf(KueuePodGroup.FINALIZER);
    if (at < 0) {
      return;
    }
    String patch = "[{\"op\":\"test\",\"path\":\"/metadata/finalizers/" + at + "\",\"value\":\"" + KueuePodGroup.FINALIZER
        + "\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/" + at + "\"}]";
    patch(client, pod, PatchType.JSON, patch, "removing Kueue's finalizer from");
  }

  /** Tells Kueue the group is not retried: it finishes the Workload once every pod has stopped. */
  public void markUnretriable(KubernetesClient client, Pod pod) {
    String patch = "{\"metadata\":{\"annotations\":{\"" + KueuePodGroup.RETRIABLE_IN_GROUP + "\":\"false\"}}}";
    patch(client, pod, PatchType.JSON_MERGE, patch, "marking the Kueue group not retriable on");
  }

  private static void patch(KubernetesClient client, Pod pod, PatchType type, String patch, String what) {
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .patch(PatchContext.of(type), patch);
    } catch (KubernetesClientException e) {
      // 404: gone already; 422: the finalizer moved (the test op failed): the next reconcile looks again.
      if (e.getCode() != 404 && e.getCode() != 422) {
        LOG.warnf("%s pod %s/%s failed: %s", what, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
            e.getMessage());
      }
    }
  }
}
