package dev.hetero.training.operator.kueue;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Kueue's Workloads, read-only: an informer on {@code workloads.kueue.x-k8s.io/v1beta2} of the
 * watched namespaces, registered only when the API server serves that API at start-up (a cluster
 * without Kueue runs the operator exactly as before; Kueue installed later needs an operator
 * restart). A Workload maps to the job it is named after.
 */
@ApplicationScoped
public class Workloads {
  private static final Logger LOG = Logger.getLogger(Workloads.class);
  public static final String EVENT_SOURCE = "kueue-workloads";
  public static final String API_VERSION = "kueue.x-k8s.io/v1beta2";
  static final GroupVersionKind GVK = new GroupVersionKind("kueue.x-k8s.io", "v1beta2", "Workload");

  private volatile boolean served;

  /** The Workload event source, when Kueue's API is served. */
  public Optional<EventSource<?, HeteroTrainingJob>> eventSource(EventSourceContext<HeteroTrainingJob> context) {
    served = served(context.getClient());
    if (!served) {
      LOG.infof("Kueue's %s Workload API is not served: jobs labelled %s are queued by their pods' gates alone"
          + " (restart the operator after installing Kueue)", API_VERSION, KueuePodGroup.QUEUE_NAME);
      return Optional.empty();
    }
    LOG.infof("Kueue's %s Workload API is served: watching Workloads for jobs labelled %s", API_VERSION,
        KueuePodGroup.QUEUE_NAME);
    var primaryCache = context.getPrimaryCache();
    var config = InformerEventSourceConfiguration.from(GVK, HeteroTrainingJob.class)
        .withName(EVENT_SOURCE)
        .withSecondaryToPrimaryMapper(wl -> {
          ResourceID job = new ResourceID(wl.getMetadata().getName(), wl.getMetadata().getNamespace());
          return primaryCache.get(job).isPresent() ? Set.of(job) : Set.of();
        })
        .build();
    return Optional.of(new InformerEventSource<>(config, context));
  }

  public boolean served() {
    return served;
  }

  /** The Workload of the job's pod group, from the informer's cache. */
  @SuppressWarnings("unchecked")
  public Optional<WorkloadView> of(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    if (!served) {
      return Optional.empty();
    }
    var source = (InformerEventSource<GenericKubernetesResource, HeteroTrainingJob>) context.eventSourceRetriever()
        .getEventSourceFor(GenericKubernetesResource.class, EVENT_SOURCE);
    return source.get(new ResourceID(KueuePodGroup.groupName(job), job.getMetadata().getNamespace())).map(WorkloadView::of);
  }

  static boolean served(KubernetesClient client) {
    try {
      return client.supports(API_VERSION, GVK.getKind());
    } catch (KubernetesClientException e) {
      LOG.warnf("cannot tell whether %s is served (%s); running without Kueue's Workloads", API_VERSION, e.getMessage());
      return false;
    }
  }
}
