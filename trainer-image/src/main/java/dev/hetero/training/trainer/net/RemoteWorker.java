package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.worker.RoundCommand;
import dev.hetero.training.trainer.worker.RoundResult;
import dev.hetero.training.trainer.worker.WorkerHandle;
import java.time.Duration;

/** The coordinator's handle on one remote rank; await() answers null when the rank missed the round. */
public final class RemoteWorker implements WorkerHandle {
  private final CoordinatorServer server;
  private final int rank;
  private final Duration pickup;
  private final Duration deadline;

  RemoteWorker(CoordinatorServer server, int rank, Duration pickup, Duration deadline) {
    this.server = server;
    this.rank = rank;
    this.pickup = pickup;
    this.deadline = deadline;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public void start(RoundCommand command) {
    server.post(rank, command);
  }

  @Override
  public RoundResult await() {
    return server.await(rank, pickup, deadline);
  }

  @Override
  public void close() {
  }
}
