package dev.hetero.training.trainer.worker;

/**
 * What the coordinator tells a worker at the start of a round: the averaged model to start from,
 * the learning rate, and exactly which samples to train on (batch x local steps of them, in
 * order) with which batch size (the coordinator's current plan, so a live re-plan reaches the
 * worker at the next round). With {@code stop} set the worker loads the final model and ends.
 */
public record RoundCommand(long round, double learningRate, boolean includeBuffers, long augmentSeed, boolean stop,
    int batch, int[] indices, float[] model) {
}
