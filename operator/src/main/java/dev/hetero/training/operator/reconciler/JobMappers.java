package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.operator.kueue.KueuePodGroup;
import dev.hetero.training.operator.model.JobLabels;
import dev.hetero.training.operator.model.PodResources;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

  /**
   * The jobs a pod event concerns: its owner, and, when the pod frees capacity (it is being deleted
   * or has ended) and holds a node, every running elastic job, which may grow into it. Other jobs
   * learn of freed capacity at their next reconcile; an elastic job should not wait 10 minutes for it.
   */
  static Set<ResourceID> podJobs(Pod pod, Supplier<Stream<HeteroTrainingJob>> jobs) {
    Set<ResourceID> owners = ownerJob(pod);
    if (!freesCapacity(pod)) {
      return owners;
    }
    Set<ResourceID> ids = new HashSet<>(owners);
    jobs.get().filter(JobMappers::growing).forEach(job -> ids.add(ResourceID.fromResource(job)));
    return ids;
  }

  static boolean freesCapacity(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    boolean ending = pod.getMetadata().getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase);
    return ending && PodResources.pinnedNode(pod).isPresent();
  }

  /** Running, elastic and not queued: a job whose auto pools may grow now. */
  static boolean growing(HeteroTrainingJob job) {
    var runPolicy = job.getSpec() == null ? null : job.getSpec().runPolicy();
    return runPolicy != null && Boolean.TRUE.equals(runPolicy.elastic()) && !KueuePodGroup.queued(job)
        && job.getStatus() != null && job.getStatus().phase() == JobPhase.Running;
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
