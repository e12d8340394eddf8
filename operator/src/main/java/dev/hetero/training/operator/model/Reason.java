package dev.hetero.training.operator.model;

/**
 * Every reason the operator writes, in conditions and in Events, with its wire spelling (the
 * constant's name, CamelCase as Kubernetes reasons are) and, for Events, whether it is a
 * Warning. One enum instead of string literals, so a reason cannot be misspelt in one place.
 */
public enum Reason {
  // Phase and condition reasons.
  Pending(false),
  Planned(false),
  WorkersStarting(false),
  WorkersRunning(false),
  Completed(false),
  Suspended(false),
  NotSuspended(false),
  NotSucceeded(false),
  NotFailed(false),
  Failed(true),
  Schedulable(false),
  InsufficientCapacity(true),
  Unschedulable(true),
  InvalidSpec(true),
  DeadlineExceeded(true),
  BackoffLimitExceeded(true),
  NodeLostLimitExceeded(true),
  PreemptionLimitExceeded(true),
  /** A GPU worker exited 69 (no usable CUDA device) past backoffLimit; also its restart reason in status.restarts. */
  NoCudaDevice(true),
  // Pending (waiting to train) and Degraded (training with fewer workers than planned).
  NotPlanned(false),
  Started(false),
  WaitingForCheckpointVolume(true),
  WorkersMissing(true),
  AllWorkersTraining(false),
  NotRunning(false),
  // CoordinatorReady: does status.training belong to the coordinator now running?
  CoordinatorStarting(false),
  CoordinatorRestarting(true),
  CoordinatorExited(false),
  ResumedFromCheckpoint(false),
  StartedFromScratch(false),
  // CheckpointReady: the checkpoint volume.
  ClaimBound(false),
  ClaimPending(true),
  ClaimNotFound(true),
  ClaimLost(true),
  ClaimOfAnotherJob(true),
  EphemeralCheckpoints(true),
  // What blocks progress: on the Running condition and as a Warning event.
  WorkerCreateRefused(true),
  ChildrenNotApplied(true),
  ApiRequestFailed(true),
  // Kueue admission (jobs labelled kueue.x-k8s.io/queue-name): the Queued condition and its Events.
  Queued(false),
  WaitingForWorkload(false),
  WaitingForQuota(false),
  QuotaReserved(false),
  Inadmissible(true),
  Preempted(true),
  EvictedByKueue(true),
  Admitted(false),
  NotManagedByKueue(false),
  // Events only.
  Replanned(false),
  WorkersCreated(false),
  /** An elastic job's auto pool grew into capacity that appeared (the running workers stay). */
  WorkersAdded(false),
  Running(false),
  Resumed(false),
  TrainingResumed(false),
  TrainingRestartedFromScratch(true),
  CheckpointClaimCreated(false),
  Degraded(true),
  Recovered(false),
  WorkerFailed(true),
  WorkerReplaced(true),
  NodeLost(true),
  WorkerUnschedulable(true),
  StragglerDetected(true);

  private final boolean warning;

  Reason(boolean warning) {
    this.warning = warning;
  }

  /** The Event type this reason is reported with: Warning or Normal. */
  public String eventType() {
    return warning ? "Warning" : "Normal";
  }
}
