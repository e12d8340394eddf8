package dev.hetero.training.trainer.coordinator;

import java.io.IOException;

/** The newest checkpoint belongs to another job or model: resuming from it would train on foreign state. */
public final class IncompatibleCheckpointException extends IOException {
  public IncompatibleCheckpointException(String message) {
    super(message);
  }
}
