package dev.hetero.training.trainer.round;

/**
 * What the coordinator tells a worker: train a round, or stop. A round command carries the
 * averaged model to start from, the learning rate, and exactly which samples to train on (batch x
 * local steps of them, in order) with which batch and simulated slowdown, as the coordinator's
 * current plan version says (so a live re-plan reaches the worker at the next round).
 *
 * <p>Optimizer state travels only when needed: {@code reportState} asks the worker to return its
 * {@link WorkerState} with the result (checkpoint rounds, a stop on request), and {@code restore}
 * hands a worker its saved state to load before it trains (the first round after a resume, a worker
 * that came back as a new process); null keeps the worker's own.
 *
 * @param slowdown the worker's simulated slowdown factor (1 in production)
 */
public record RoundCommand(long round, long planVersion, double learningRate, boolean includeBuffers, long augmentSeed,
    Kind kind, int batch, double slowdown, int[] indices, float[] model, boolean reportState, WorkerState restore) {

  /** What the worker is asked to do. */
  public enum Kind {
    /** Train a round. */
    TRAIN,
    /** The run is complete: load the final model, report its digest, exit 0. */
    FINISH,
    /**
     * The coordinator is stopping on request (SIGTERM): load the model of the last round, hand in
     * the optimizer state for the checkpoint, exit with the "stopped after checkpointing" code.
     */
    STOP_ON_REQUEST
  }

  public static RoundCommand train(long round, long planVersion, double learningRate, boolean includeBuffers, long augmentSeed,
      int batch, double slowdown, int[] indices, float[] model, boolean reportState) {
    return new RoundCommand(round, planVersion, learningRate, includeBuffers, augmentSeed, Kind.TRAIN, batch, slowdown, indices,
        model, reportState, null);
  }

  /** The last command of a run: load the final model and report its digest. */
  public static RoundCommand finish(long round, long planVersion, boolean includeBuffers, float[] model) {
    return new RoundCommand(round, planVersion, 0, includeBuffers, 0, Kind.FINISH, 0, 1, new int[0], model, false, null);
  }

  /** The coordinator stops on request after {@code round} rounds: the worker hands in its state and exits. */
  public static RoundCommand stopOnRequest(long round, long planVersion, boolean includeBuffers, float[] model) {
    return new RoundCommand(round, planVersion, 0, includeBuffers, 0, Kind.STOP_ON_REQUEST, 0, 1, new int[0], model, true,
        null);
  }

  /** Whether this command ends the worker (no training). */
  public boolean stop() {
    return kind != Kind.TRAIN;
  }

  /** The same command, handing the worker this saved state to load first. */
  public RoundCommand withRestore(WorkerState state) {
    return new RoundCommand(round, planVersion, learningRate, includeBuffers, augmentSeed, kind, batch, slowdown, indices, model,
        reportState, state);
  }
}
