package dev.hetero.training.trainer.round;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The coordinator's view of one worker: in the same process (rank 0, or every worker of a
 * simulated run) or behind a connection. start() must not block on training; await() does.
 */
public interface WorkerHandle extends AutoCloseable {
  int rank();

  /** The worker's name in the plan (what a remote worker is known by); in-process workers go by their rank. */
  default String name() {
    return "rank " + rank();
  }

  /** The worker keeps running under a new rank of a new plan version (remote workers are known by name, so only logs change). */
  default void renumber(int rank) {
  }

  /** The worker left the plan: it is not waited for again; a live one is told to finish with {@code farewell}. */
  default void leave(RoundCommand farewell) {
  }

  /** Whether this worker trains in the coordinator's own process (it then trains while awaited). */
  default boolean inProcess() {
    return false;
  }

  void start(RoundCommand command) throws IOException;

  RoundResult await() throws IOException;

  /**
   * Like {@link #await()}, but a remote worker that has not answered by {@code cutoffNanos} (a
   * {@code System.nanoTime} value, read while waiting: a stop request moves it) is left out: null.
   */
  default RoundResult await(LongSupplier cutoffNanos) throws IOException {
    return await();
  }

  /** The state to hand this worker if it comes back as a new process (its latest saved one). */
  default void remember(WorkerState saved) {
  }

  @Override
  void close();
}
