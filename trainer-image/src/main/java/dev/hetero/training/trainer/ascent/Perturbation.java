package dev.hetero.training.trainer.ascent;

/**
 * What a helper computed from one snapshot: {@code epsilon = rho g/|g|}, g the loss gradient of
 * {@code batch} samples at the snapshot's model.
 *
 * @param source the step of the snapshot it was computed from
 * @param epsilon a vector in the model's layout (0 at BatchNorm statistics)
 * @param batch the perturbation batch b_p it used
 * @param ascentSeconds how long the helper was busy with it (its slowdown included)
 * @param utilisation the helper's busy time / its time since it started serving
 */
public record Perturbation(long source, float[] epsilon, int batch, double ascentSeconds, double utilisation) {
}
