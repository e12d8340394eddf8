package dev.hetero.training.trainer.algo;

import dev.hetero.training.api.v1alpha1.DeviceClass;

/**
 * What one worker does per round under the chosen algorithm.
 *
 * @param biased whether this worker's shard comes from loss-based top-k sampling
 * @param slowdown simulated slowdown factor of its pool (1 in production)
 */
public record WorkerSettings(int rank, String name, DeviceClass deviceClass, int batch, int localSteps, boolean biased,
    double slowdown) {

  public long samplesPerRound() {
    return (long) batch * localSteps;
  }
}
