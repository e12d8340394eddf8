package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerHandle;
import dev.hetero.training.trainer.round.WorkerState;
import java.time.Duration;
import java.util.function.LongSupplier;

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
    return server.await(rank, pickup, deadline, () -> Long.MAX_VALUE);
  }

  @Override
  public RoundResult await(LongSupplier cutoffNanos) {
    return server.await(rank, pickup, deadline, cutoffNanos);
  }

  @Override
  public void remember(WorkerState saved) {
    server.remember(rank, saved);
  }

  @Override
  public void close() {
  }
}
