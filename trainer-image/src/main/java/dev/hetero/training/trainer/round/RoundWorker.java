package dev.hetero.training.trainer.round;

/**
 * The worker side of a round, as every transport calls it (the gRPC client, the in-process
 * handle): train on a command, or stop.
 */
public interface RoundWorker {
  int rank();

  /** Loads the command's model (and state, if it brings one), runs its local steps on its samples, answers. */
  RoundResult train(RoundCommand command);

  /** Loads the stop command's model (the last average) and answers with its digest (and the worker's state if asked). */
  RoundResult stop(RoundCommand stop);

  /** Whether this worker has optimizer state of its own: false in a new process that has neither trained nor restored. */
  boolean holdsState();
}
