package dev.hetero.training.trainer.worker;

import java.io.IOException;

/**
 * The coordinator's view of one worker: in the same process (rank 0, or every worker of a
 * simulated run) or behind a connection. start() must not block on training; await() does.
 */
public interface WorkerHandle extends AutoCloseable {
  int rank();

  void start(RoundCommand command) throws IOException;

  RoundResult await() throws IOException;

  @Override
  void close();
}
