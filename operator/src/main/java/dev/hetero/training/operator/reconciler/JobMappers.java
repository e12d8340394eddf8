package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which jobs a pod or a claim event concerns: the secondary-to-primary mappers of the reconciler's event sources. */
final class JobMappers {
  private JobMappers() {
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

  /** The jobs a claim concerns: its owner, the job its label names (a retained claim), and jobs that mount it by name. */
  static Set<ResourceID> claimJobs(PersistentVolumeClaim claim, List<HeteroTrainingJob> jobs) {
    String namespace = claim.getMetadata().getNamespace();
    Set<ResourceID> ids = new HashSet<>();
    if (claim.getMetadata().getOwnerReferences() != null) {
      claim.getMetadata().getOwnerReferences().stream().filter(o -> HeteroTrainingJob.KIND.equals(o.getKind()))
          .forEach(o -> ids.add(new ResourceID(o.getName(), namespace)));
    }
    String labelled = claim.getMetadata().getLabels() == null ? null : claim.getMetadata().getLabels().get(JobLabels.JOB);
    if (labelled != null) {
      ids.add(new ResourceID(labelled, namespace));
    }
    for (HeteroTrainingJob job : jobs) {
      var checkpoint = job.getSpec() == null ? null : job.getSpec().checkpoint();
      if (namespace.equals(job.getMetadata().getNamespace()) && checkpoint != null && checkpoint.persistentVolumeClaim() != null
          && claim.getMetadata().getName().equals(checkpoint.persistentVolumeClaim().claimName())) {
        ids.add(ResourceID.fromResource(job));
      }
    }
    return ids;
  }
}
