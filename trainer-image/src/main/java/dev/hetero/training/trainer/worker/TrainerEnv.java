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

  /** Seconds a worker has to pick up its round command before it is left out of the round (default 10). */
  public static final String PICKUP_SECONDS = "HTJ_PICKUP_SECONDS";
  /** Seconds the coordinator parks a worker's poll before answering "wait" (default 10). */
  public static final String POLL_SECONDS = "HTJ_POLL_SECONDS";
  /** Checkpoint every this many rounds, overriding spec.checkpoint.everyRounds (tests, the benchmark). */
  public static final String CHECKPOINT_EVERY_ROUNDS = "HTJ_CHECKPOINT_EVERY_ROUNDS";
  /** Milliseconds between two reads of the plan file when looking for a re-plan (default 1000). */
  public static final String PLAN_POLL_MS = "HTJ_PLAN_POLL_MS";

  private TrainerEnv() {
  }
}
