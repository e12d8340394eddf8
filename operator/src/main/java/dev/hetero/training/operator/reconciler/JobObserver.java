package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.operator.devices.DraDevices;
import dev.hetero.training.operator.devices.DraView;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.WorkerPodState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.model.CheckpointVolume;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Optional;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The observe step: everything one reconcile looks at, read once at its start from the caches.
 * The job comes from JOSDK's primary cache, which already holds this operator's own last status
 * write (written through resource operations), and its pods from the pod informer, which holds
 * the pods this operator just created.
 */
@ApplicationScoped
public class JobObserver {
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(5);

  @Inject
  Clock clock;
  @Inject
  PodDeletions deletions;
  @Inject
  JobMetrics metrics;
  @Inject
  DraDevices devices;

  /** When each failed pod was first seen failing, for pods that carry no finish time. */
  private final Map<String, Instant> failureSeen = new ConcurrentHashMap<>();
  private volatile Instant lastPrune = Instant.EPOCH;

  public JobObservation observe(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    Instant now = clock.instant();
    pruneMemory(context, now);
    String uid = job.getMetadata().getUid();
    Map<String, WorkerPodState> podsByWorker = new HashMap<>();
    Set<String> ownPodUids = new HashSet<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      if (!ownedBy(pod, uid)) {
        continue;
      }
      ownPodUids.add(pod.getMetadata().getUid());
      Instant seen = "Failed".equals(pod.getStatus() == null ? null : pod.getStatus().getPhase())
          ? failureSeen.computeIfAbsent(pod.getMetadata().getUid(), k -> now) : now;
      podsByWorker.put(pod.getMetadata().getName(), WorkerPodState.of(pod, seen));
    }
    var nodes = informer(context, Node.class, HeteroTrainingJobReconciler.NODES).list().toList();
    var allPods = informer(context, Pod.class, HeteroTrainingJobReconciler.PODS).list().toList();
    // DRA facts size GPU workers only: a job without a GPU pool skips reading the slices and claims.
    var gpus = hasGpuPool(job) ? devices.view(context, ownPodUids) : DraView.NONE;
    return new JobObservation(job, job.getStatus(), podsByWorker, nodes, allPods, context.getSecondaryResource(ConfigMap.class),
        checkpointClaim(job, context), gpus, now);
  }

  /** The claim the coordinator mounts (spec.checkpoint, defaulted), as the claim informer has it. */
  private static Optional<PersistentVolumeClaim> checkpointClaim(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    Optional<String> name;
    try {
      name = CheckpointVolume.claimName(job.getMetadata().getName(), SpecDefaults.apply(job.getSpec()).checkpoint());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    return name.flatMap(n -> informer(context, PersistentVolumeClaim.class, HeteroTrainingJobReconciler.CLAIMS)
        .get(new ResourceID(n, job.getMetadata().getNamespace())));
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> InformerEventSource<R, HeteroTrainingJob> informer(Context<HeteroTrainingJob> context,
      Class<R> type, String name) {
    return (InformerEventSource<R, HeteroTrainingJob>) context.eventSourceRetriever().getEventSourceFor(type, name);
  }

  private static boolean hasGpuPool(HeteroTrainingJob job) {
    return job.getSpec() != null && job.getSpec().pools() != null
        && job.getSpec().pools().stream().anyMatch(p -> p.deviceClass() == DeviceClass.GPU);
  }

  private static boolean ownedBy(Pod pod, String uid) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> Objects.equals(uid, o.getUid()));
  }

  /** Every few minutes, forget what belongs to jobs that are gone. */
  private void pruneMemory(Context<HeteroTrainingJob> context, Instant now) {
    if (Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) < 0) {
      return;
    }
    lastPrune = now;
    deletions.prune(now);
    metrics.retainJobs(context.getPrimaryCache().list()
        .map(j -> j.getMetadata().getNamespace() + "/" + j.getMetadata().getName()).collect(Collectors.toSet()));
    failureSeen.values().removeIf(seen -> seen.plus(Duration.ofHours(1)).isBefore(now));
  }
}
