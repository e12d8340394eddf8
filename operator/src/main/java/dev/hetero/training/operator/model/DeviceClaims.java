package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import io.fabric8.kubernetes.api.model.PodResourceClaim;
import io.fabric8.kubernetes.api.model.PodResourceClaimBuilder;
import io.fabric8.kubernetes.api.model.ResourceClaim;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate;
import io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplateBuilder;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GPU pools with a deviceClaim: one ResourceClaimTemplate per pool (owned by the job, so the garbage
 * collector removes it), asking for exactly gpusPerWorker devices of the pool's DeviceClass; every
 * worker pod of the pool names it, and the claim controller makes each pod its own ResourceClaim,
 * which the scheduler allocates on the node the plan pinned the pod to.
 */
public final class DeviceClaims {
  /** The pod's claim name and the template's request name. */
  public static final String CLAIM = "gpus";

  private DeviceClaims() {
  }

  public static String templateName(String job, String pool) {
    return job + "-" + pool + "-" + CLAIM;
  }

  /** The templates the job's pools need, in pool order (none for pools without a deviceClaim). */
  public static List<ResourceClaimTemplate> desiredTemplates(HeteroTrainingJob job, HeteroTrainingJobSpec defaulted) {
    return defaulted.pools().stream().filter(PoolSpec::claimsDevices).map(pool -> template(job, pool)).toList();
  }

  static ResourceClaimTemplate template(HeteroTrainingJob job, PoolSpec pool) {
    long count = pool.gpusPerWorker() == null ? 1 : pool.gpusPerWorker();
    return new ResourceClaimTemplateBuilder()
        .withNewMetadata()
          .withName(templateName(job.getMetadata().getName(), pool.name()))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(Map.of(JobLabels.JOB, job.getMetadata().getName(), JobLabels.POOL, pool.name()))
          .withOwnerReferences(WorkerPodFactory.ownerReference(job))
        .endMetadata()
        .withNewSpec().withNewSpec().withNewDevices()
          .addNewRequest().withName(CLAIM).withNewExactly()
            .withDeviceClassName(pool.deviceClaim().deviceClassName())
            .withAllocationMode("ExactCount")
            .withCount(count)
          .endExactly().endRequest()
        .endDevices().endSpec().endSpec()
        .build();
  }

  /** Whether an existing template asks for what the pool asks now (a template's spec cannot be changed in place). */
  public static boolean sameRequest(ResourceClaimTemplate existing, ResourceClaimTemplate desired) {
    // Compared by what we set (the API server may default other fields of the request).
    return Objects.equals(request(existing), request(desired));
  }

  /** DeviceClass and count of the template's request, or null when it has none of ours. */
  private static String request(ResourceClaimTemplate t) {
    if (t.getSpec() == null || t.getSpec().getSpec() == null || t.getSpec().getSpec().getDevices() == null
        || t.getSpec().getSpec().getDevices().getRequests() == null) {
      return null;
    }
    return t.getSpec().getSpec().getDevices().getRequests().stream().filter(r -> CLAIM.equals(r.getName()) && r.getExactly() != null)
        .map(r -> r.getExactly().getDeviceClassName() + " x " + r.getExactly().getCount()).findFirst().orElse(null);
  }

  static PodResourceClaim podClaim(String job, PoolSpec pool) {
    return new PodResourceClaimBuilder().withName(CLAIM).withResourceClaimTemplateName(templateName(job, pool.name())).build();
  }

  static ResourceClaim containerClaim() {
    return new ResourceClaim(CLAIM, null);
  }
}
