package dev.hetero.training.api.v1alpha1;

/**
 * Condition types the operator maintains, one condition per type, each describing a state (not
 * a transition), its reason saying why. {@code Pending}: the job waits to train (not planned yet,
 * pods starting, queued, no room). {@code Running}: the coordinator and the workers train.
 * {@code Degraded}: it trains with fewer workers than planned. {@code CoordinatorReady}: the
 * coordinator now running has reported (status.training is its own, not a predecessor's).
 * {@code CheckpointReady}: the checkpoint volume is usable (and whether it outlives the pod).
 * {@code Queued} is present only on jobs labelled {@code kueue.x-k8s.io/queue-name}: True while
 * Kueue has not admitted the job.
 */
public enum ConditionType {
  Planned, Pending, Running, Degraded, CoordinatorReady, CheckpointReady, Suspended, Succeeded, Failed, Unschedulable, Queued
}
