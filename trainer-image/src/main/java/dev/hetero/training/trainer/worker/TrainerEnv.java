package dev.hetero.training.trainer.worker;

/**
 * Trainer-only environment variables (not part of the operator's contract in WorkerEnv): knobs
 * of the one-machine runner and the simulation. All optional.
 */
public final class TrainerEnv {
  /** wall (default): a simulated slowdown sleeps for real; virtual: it is only charged to the virtual clock. */
  public static final String CLOCK = "HTJ_CLOCK";
  /** Virtual seconds charged per model exchange (default from model size, see CommunicationCost). */
  public static final String COMM_SECONDS = "HTJ_COMM_SECONDS";
  /** Evaluations of the averaged model per epoch (default 1). */
  public static final String EVALS_PER_EPOCH = "HTJ_EVALS_PER_EPOCH";
  /** Seconds a worker may take for one round before the coordinator gives up (default 600). */
  public static final String ROUND_DEADLINE_SECONDS = "HTJ_ROUND_DEADLINE_SECONDS";
  /** Seconds to wait for all workers to connect (default 120). */
  public static final String CONNECT_SECONDS = "HTJ_CONNECT_SECONDS";
  /** Print a round event every this many rounds (default: about 4 per second at most, by time). */
  public static final String ROUND_EVENTS_EVERY_MS = "HTJ_ROUND_EVENTS_EVERY_MS";

  private TrainerEnv() {
  }
}
