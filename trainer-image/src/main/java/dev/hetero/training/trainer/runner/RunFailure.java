package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.contract.ExitCodes;

/**
 * A local run that could not start or did not finish; the message says why, for the user. The
 * exit code of {@code run} is 1, or a worker's own when it means something the caller can act on
 * (69: a GPU worker found no CUDA device, as the operator would report it).
 */
public final class RunFailure extends RuntimeException {
  private final int exitCode;

  public RunFailure(String message) {
    this(message, ExitCodes.FAILED);
  }

  public RunFailure(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The run's exit code for a worker that exited with {@code workerExit}: NO_DEVICE passes through, the rest is 1. */
  static int forWorkerExit(int workerExit) {
    return workerExit == ExitCodes.NO_DEVICE ? ExitCodes.NO_DEVICE : ExitCodes.FAILED;
  }
}
