package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerHandle;
import dev.hetero.training.trainer.round.WorkerState;
import java.time.Duration;
import java.util.function.LongSupplier;

/** The coordinator's handle on one remote worker, by name; await() answers null when it missed the round. */
public final class RemoteWorker implements WorkerHandle {
  private final CoordinatorServer server;
  private final Slot slot;
  private final Duration pickup;
  private final Duration deadline;

  RemoteWorker(CoordinatorServer server, Slot slot, Duration pickup, Duration deadline) {
    this.server = server;
    this.slot = slot;
    this.pickup = pickup;
    this.deadline = deadline;
  }

  @Override
  public int rank() {
    synchronized (server) {
      return slot.rank;
    }
  }

  @Override
  public String name() {
    return slot.name;
  }

  @Override
  public void renumber(int rank) {
    synchronized (server) {
      slot.rank = rank;
    }
  }

  @Override
  public void leave(RoundCommand farewell) {
    server.retire(slot.name, farewell);
  }

  @Override
  public void start(RoundCommand command) {
    server.post(slot.name, command);
  }

  @Override
  public RoundResult await() {
    return server.await(slot.name, pickup, deadline, () -> Long.MAX_VALUE);
  }

  @Override
  public RoundResult await(LongSupplier cutoffNanos) {
    return server.await(slot.name, pickup, deadline, cutoffNanos);
  }

  @Override
  public void remember(WorkerState saved) {
    server.remember(slot.name, saved);
  }

  @Override
  public void close() {
  }
}
