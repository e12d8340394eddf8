package dev.hetero.training.operator.kueue;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kueue's plain-Pod group contract, as this operator uses it (Kueue v0.17, pod integration): a job
 * labelled {@code kueue.x-k8s.io/queue-name} gets worker pods that carry the queue name, the group
 * name and the group's total count; Kueue's webhook gates each pod ({@code kueue.x-k8s.io/admission})
 * and adds its finalizer, builds one Workload named after the group (one PodSet per pod shape, so
 * the GPU and the CPU pool are separate PodSets), and removes the gates once the whole group is
 * admitted. Pure: names, labels and predicates over pods.
 */
public final class KueuePodGroup {
  public static final String QUEUE_NAME = "kueue.x-k8s.io/queue-name";
  /** A WorkloadPriorityClass; copied from the job to its pods (Kueue reads it from the pods). */
  public static final String PRIORITY_CLASS = "kueue.x-k8s.io/priority-class";
  public static final String GROUP_NAME = "kueue.x-k8s.io/pod-group-name";
  public static final String GROUP_TOTAL_COUNT = "kueue.x-k8s.io/pod-group-total-count";
  public static final String RETRIABLE_IN_GROUP = "kueue.x-k8s.io/retriable-in-group";
  public static final String ADMISSION_GATE = "kueue.x-k8s.io/admission";
  public static final String FINALIZER = "kueue.x-k8s.io/managed";
  /** The pod condition Kueue sets before it deletes a pod of a stopped group. */
  public static final String TERMINATION_TARGET = "TerminationTarget";
  /** Its reason when the group's Workload was evicted (preempted, or another eviction). */
  public static final String STOPPED_BY_EVICTION = "WorkloadEvicted";

  private KueuePodGroup() {
  }

  /** The LocalQueue the job asks for, when it asks for one. */
  public static Optional<String> queueName(HeteroTrainingJob job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    String queue = labels == null ? null : labels.get(QUEUE_NAME);
    return queue == null || queue.isBlank() ? Optional.empty() : Optional.of(queue);
  }

  /** The job is admitted by Kueue: it carries the queue label. */
  public static boolean queued(HeteroTrainingJob job) {
    return queueName(job).isPresent();
  }

  /** The pod group, and so the Workload Kueue creates for it, is named after the job. */
  public static String groupName(HeteroTrainingJob job) {
    return job.getMetadata().getName();
  }

  /** Labels every pod of a queued job carries: queue, group and (when the job has one) priority class. */
  public static Map<String, String> podLabels(HeteroTrainingJob job) {
    Map<String, String> labels = new LinkedHashMap<>();
    queueName(job).ifPresent(q -> labels.put(QUEUE_NAME, q));
    labels.put(GROUP_NAME, groupName(job));
    Map<String, String> jobLabels = job.getMetadata().getLabels();
    if (jobLabels != null && jobLabels.get(PRIORITY_CLASS) != null) {
      labels.put(PRIORITY_CLASS, jobLabels.get(PRIORITY_CLASS));
    }
    return labels;
  }

  /** The annotation every pod of the group carries: how many pods Kueue waits for before it builds the Workload. */
  public static Map<String, String> podAnnotations(int totalCount) {
    return Map.of(GROUP_TOTAL_COUNT, String.valueOf(totalCount));
  }

  /** Kueue still holds this pod back (its group is not admitted). */
  public static boolean gated(Pod pod) {
    return pod.getSpec() != null && pod.getSpec().getSchedulingGates() != null
        && pod.getSpec().getSchedulingGates().stream().anyMatch(g -> ADMISSION_GATE.equals(g.getName()));
  }

  public static boolean bound(Pod pod) {
    return pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isBlank();
  }

  public static boolean hasFinalizer(Pod pod) {
    List<String> finalizers = pod.getMetadata().getFinalizers();
    return finalizers != null && finalizers.contains(FINALIZER);
  }

  /** Marked by the operator when its job ended, so Kueue can declare the group finished. */
  public static boolean markedUnretriable(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations != null && "false".equals(annotations.get(RETRIABLE_IN_GROUP));
  }

  /**
   * A deleted pod that no longer runs: its phase is terminal, or its deletion grace period is over
   * (Kueue's own test for "stuck terminating"). Only such a pod may lose Kueue's finalizer.
   */
  public static boolean stoppedAfterDeletion(Pod pod, Instant now) {
    String deleted = pod.getMetadata().getDeletionTimestamp();
    if (deleted == null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
      return true;
    }
    Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
    Instant at = dev.hetero.training.operator.model.Times.parse(deleted, null);
    return at != null && !at.plusSeconds(grace == null ? 0 : grace).isAfter(now);
  }

  /** Kueue stopped this pod because the group's Workload was evicted (the condition it sets before deleting). */
  public static boolean stoppedByEviction(Pod pod) {
    List<PodCondition> conditions = pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return conditions != null && conditions.stream().anyMatch(c -> TERMINATION_TARGET.equals(c.getType())
        && "True".equals(c.getStatus()) && STOPPED_BY_EVICTION.equals(c.getReason()));
  }
}
