package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.algo.Perturbations;
import dev.hetero.training.trainer.ascent.PerturbationLink;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.round.AscentStats;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * How a training worker turns one batch into an update: its plan entry's update rule. Every rule
 * returns the per-sample training losses it saw (the sampler's scores).
 */
public interface StepRule extends AutoCloseable {

  float[] step(LocalTrainer trainer, float[] inputs, int[] labels, int batch, double learningRate);

  /** What the rule measured since the last call (asyncSAM only; null for the others). */
  default AscentStats drainStats() {
    return null;
  }

  /** Lets go of what the rule holds (asyncSAM: its link to the helper). */
  @Override
  default void close() {
  }

  /** Plain SGD with momentum and weight decay. */
  StepRule SGD = LocalTrainer::trainStep;

  /**
   * The rule of a training worker's plan entry; {@code link} is asked for the worker's end of its
   * asyncSAM pair only when the entry says asyncSAM, whose steps are numbered from
   * {@code firstStep}. rho and tau are the job's ({@code spec.training.optimizer}), like momentum.
   */
  static StepRule forWorker(PlannedWorker worker, OptimizerSpec optimizer, boolean[] bufferMask,
      Supplier<PerturbationLink> link, long firstStep, PrintStream log) {
    return switch (worker.optimizerMethod()) {
      case SGD -> SGD;
      case SAM -> sam(optimizer.rho(), bufferMask);
      case ASYNC_SAM -> new AsyncSamStep(link.get(), optimizer.asyncSAM().staleness(), AsyncSamStep.WAIT_LIMIT, firstStep, log);
    };
  }

  /**
   * Synchronous SAM: the ascent gradient on the batch, {@code epsilon = rho g/|g|}, then the step
   * from {@code w + epsilon} on the same batch. BatchNorm: the ascent pass leaves the running
   * statistics as they were, the descent pass updates them (see {@link LocalTrainer}).
   */
  static StepRule sam(double rho, boolean[] bufferMask) {
    return (trainer, inputs, labels, batch, lr) -> trainer.perturbedStep(inputs, labels, batch, lr,
        Perturbations.epsilon(trainer.lossGradient(inputs, labels, batch), rho, bufferMask));
  }
}
