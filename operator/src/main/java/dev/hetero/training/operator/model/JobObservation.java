package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.operator.devices.DraView;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one reconcile looks at, read once at its start: the job with its freshest status,
 * its worker pods, the cluster's nodes and pods (for the planner's inventory), the GPUs DRA
 * drivers publish, and the current plan ConfigMap.
 */
public record JobObservation(
    HeteroTrainingJob job,
    HeteroTrainingJobStatus status,
    Map<String, WorkerPodState> podsByWorker,
    Collection<Node> nodes,
    Collection<Pod> allPods,
    Optional<ConfigMap> planConfigMap,
    Optional<PersistentVolumeClaim> checkpointClaim,
    DraView devices,
    Instant now) {

  public JobObservation {
    devices = devices == null ? DraView.NONE : devices;
  }

  /** Without a checkpoint claim observed (tests that do not look at it). */
  public JobObservation(HeteroTrainingJob job, HeteroTrainingJobStatus status, Map<String, WorkerPodState> podsByWorker,
      Collection<Node> nodes, Collection<Pod> allPods, Optional<ConfigMap> planConfigMap, Instant now) {
    this(job, status, podsByWorker, nodes, allPods, planConfigMap, Optional.empty(), DraView.NONE, now);
  }

  public String name() {
    return job.getMetadata().getName();
  }

  public String namespace() {
    return job.getMetadata().getNamespace();
  }

  public long generation() {
    return job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
  }

  public JobPhase previousPhase() {
    return status == null || status.phase() == null ? JobPhase.Pending : status.phase();
  }

  public List<PlannedWorker> previousPlan() {
    return status == null || status.plan() == null ? List.of() : status.plan();
  }

  /** Worker restarts recorded so far, per reason. */
  public List<dev.hetero.training.api.v1alpha1.RestartRecord> restarts() {
    return status == null || status.restarts() == null ? List.of() : status.restarts();
  }

  /** The spec changed since the status was written. */
  public boolean specChanged() {
    return status == null || status.observedGeneration() == null || status.observedGeneration() != generation();
  }
}
