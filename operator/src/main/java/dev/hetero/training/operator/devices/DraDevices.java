package dev.hetero.training.operator.devices;

import dev.hetero.training.api.planner.DraGpus;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * GPUs published through Dynamic Resource Allocation: informers on ResourceSlices (cluster-scoped)
 * and ResourceClaims (the watched namespaces), registered only when the API server serves
 * {@value #API_VERSION} at start-up. A slice change wakes the jobs whose pools claim devices; claims
 * wake nobody (their allocations are read at the next reconcile, as other pods' requests are).
 */
@ApplicationScoped
public class DraDevices {
  private static final Logger LOG = Logger.getLogger(DraDevices.class);
  public static final String API_VERSION = "resource.k8s.io/v1";
  public static final String SLICES = "resource-slices";
  public static final String CLAIMS = "resource-claims";

  private volatile boolean served;

  public List<EventSource<?, HeteroTrainingJob>> eventSources(EventSourceContext<HeteroTrainingJob> context) {
    served = served(context.getClient());
    if (!served) {
      LOG.infof("%s ResourceSlices are not served: GPU capacity comes from node labels and nvidia.com/gpu only", API_VERSION);
      return List.of();
    }
    LOG.infof("%s is served: GPUs published in ResourceSlices (driver %s) count as capacity", API_VERSION,
        DraGpus.NVIDIA_DRIVER);
    var primaryCache = context.getPrimaryCache();
    var slices = InformerEventSourceConfiguration.from(ResourceSlice.class, HeteroTrainingJob.class)
        .withName(SLICES)
        .withWatchAllNamespaces()
        .withFollowControllerNamespacesChanges(false)
        .withSecondaryToPrimaryMapper(slice -> primaryCache.list().filter(DraDevices::claimsDevices)
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    var claims = InformerEventSourceConfiguration.from(ResourceClaim.class, HeteroTrainingJob.class)
        .withName(CLAIMS)
        .withSecondaryToPrimaryMapper(claim -> Set.of())
        .build();
    return List.of(new InformerEventSource<>(slices, context), new InformerEventSource<>(claims, context));
  }

  /** The GPUs per node as the caches have them now; {@code ownPodUids}: the planned job's pods. */
  @SuppressWarnings("unchecked")
  public DraView view(Context<HeteroTrainingJob> context, Set<String> ownPodUids) {
    if (!served) {
      return DraView.NONE;
    }
    var sliceSource = (InformerEventSource<ResourceSlice, HeteroTrainingJob>) context.eventSourceRetriever()
        .getEventSourceFor(ResourceSlice.class, SLICES);
    var claimSource = (InformerEventSource<ResourceClaim, HeteroTrainingJob>) context.eventSourceRetriever()
        .getEventSourceFor(ResourceClaim.class, CLAIMS);
    List<DraGpus.Slice> slices = sliceSource.list().filter(s -> s.getSpec() != null).map(DraSlices::slice).toList();
    if (slices.isEmpty()) {
      return DraView.NONE;
    }
    List<String> notes = new ArrayList<>();
    var gpus = DraGpus.byNode(slices, DraSlices.allocatedElsewhere(claimSource.list().toList(), ownPodUids), notes);
    return new DraView(gpus, notes);
  }

  static boolean claimsDevices(HeteroTrainingJob job) {
    return job.getSpec() != null && job.getSpec().pools() != null && job.getSpec().pools().stream().anyMatch(PoolSpec::claimsDevices);
  }

  static boolean served(KubernetesClient client) {
    try {
      return client.supports(API_VERSION, "ResourceSlice");
    } catch (KubernetesClientException e) {
      LOG.warnf("cannot tell whether %s is served (%s); GPU capacity from node labels and nvidia.com/gpu only", API_VERSION,
          e.getMessage());
      return false;
    }
  }
}
