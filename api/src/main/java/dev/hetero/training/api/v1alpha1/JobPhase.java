package dev.hetero.training.api.v1alpha1;

/**
 * Lifecycle phase: Pending -> Planned -> Running -> Succeeded | Failed, plus Unschedulable and
 * Suspended; a job labelled {@code kueue.x-k8s.io/queue-name} is Queued until Kueue admits it.
 */
public enum JobPhase {
  Pending, Planned, Running, Suspended, Unschedulable, Succeeded, Failed, Queued;

  public boolean isFinished() {
    return this == Succeeded || this == Failed;
  }
}
