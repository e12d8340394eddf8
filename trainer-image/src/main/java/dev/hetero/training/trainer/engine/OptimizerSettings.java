package dev.hetero.training.trainer.engine;

import dev.hetero.training.api.v1alpha1.OptimizerSpec;

/** SGD with momentum and L2 weight decay; the momentum buffers stay on the worker. */
public record OptimizerSettings(double momentum, double weightDecay, boolean nesterov) {
  public static OptimizerSettings of(OptimizerSpec spec) {
    return new OptimizerSettings(spec.momentum(), spec.weightDecay(), Boolean.TRUE.equals(spec.nesterov()));
  }
}
