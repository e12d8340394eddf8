package dev.hetero.training.trainer.ascent;

import java.time.Duration;

/**
 * A training worker's end of its asyncSAM pair: it offers its model at every step and takes the
 * newest perturbation that is fresh enough. In the coordinator's process this is the pair's
 * {@link PerturbationMailbox}; in another process a client of the coordinator's relay; in a
 * simulated run a helper on the virtual clock.
 */
public interface PerturbationLink extends AutoCloseable {

  /** The model at the start of a step; never blocks (only the newest offer matters). */
  void offer(Snapshot snapshot);

  /**
   * The newest perturbation computed from step {@code minSource} or later, waiting for one at most
   * {@code limit}; null when none came in time (or the run is over).
   */
  Received await(long minSource, Duration limit);

  /**
   * The seconds a step that took {@code measured} of compute counts for: the measured time,
   * except on a simulated run's virtual clock, which charges its calibrated cost.
   */
  default double chargedStepSeconds(double measured) {
    return measured;
  }

  /** A perturbation and how long the worker waited for it (virtual seconds in a simulated run). */
  record Received(Perturbation perturbation, double waitedSeconds) {
  }

  @Override
  default void close() {
  }
}
