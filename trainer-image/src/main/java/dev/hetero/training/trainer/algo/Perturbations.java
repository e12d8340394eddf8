package dev.hetero.training.trainer.algo;

/**
 * SAM's perturbation, pure: {@code epsilon = rho * g / |g|}, the step of length rho up the loss
 * gradient g, over the trainable positions of a model vector (BatchNorm running statistics are
 * skipped: they have no gradient and are never perturbed). The norm is the global L2 norm over
 * every trainable value, in double precision.
 */
public final class Perturbations {
  private Perturbations() {
  }

  /** epsilon = rho g / |g|; all zeros when g is zero (no direction to ascend). */
  public static float[] epsilon(float[] gradient, double rho, boolean[] skip) {
    if (!(rho > 0) || Double.isInfinite(rho)) {
      throw new IllegalArgumentException("rho must be a positive number, got " + rho);
    }
    double norm = norm(gradient, skip);
    float[] epsilon = new float[gradient.length];
    if (norm == 0 || Double.isNaN(norm)) {
      return epsilon;
    }
    double scale = rho / norm;
    for (int i = 0; i < gradient.length; i++) {
      if (skip == null || !skip[i]) {
        epsilon[i] = (float) (gradient[i] * scale);
      }
    }
    return epsilon;
  }

  /** The L2 norm over the positions not skipped. */
  public static double norm(float[] v, boolean[] skip) {
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      if (skip == null || !skip[i]) {
        sum += (double) v[i] * v[i];
      }
    }
    return Math.sqrt(sum);
  }
}
