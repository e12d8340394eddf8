package dev.hetero.training.trainer.runner;

/** A local run that could not start or did not finish; the message says why, for the user. */
public final class RunFailure extends RuntimeException {
  public RunFailure(String message) {
    super(message);
  }
}
