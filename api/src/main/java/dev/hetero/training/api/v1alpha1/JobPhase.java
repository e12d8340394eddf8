package dev.hetero.training.api.v1alpha1;

/** Lifecycle phase: Pending -> Planned -> Running -> Succeeded | Failed, plus Unschedulable and Suspended. */
public enum JobPhase {
  Pending, Planned, Running, Suspended, Unschedulable, Succeeded, Failed;

  public boolean isFinished() {
    return this == Succeeded || this == Failed;
  }
}
