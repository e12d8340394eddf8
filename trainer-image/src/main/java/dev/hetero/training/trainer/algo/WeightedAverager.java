package dev.hetero.training.trainer.algo;

/**
 * Weighted average of flat model vectors (parameters and BatchNorm running statistics, in the
 * block's parameter order). Accumulates in double so the result does not depend on float
 * rounding order more than necessary, and is the same on every run.
 */
public final class WeightedAverager {
  private WeightedAverager() {
  }

  /**
   * @param models one vector per worker, all of the same length
   * @param weights one weight per worker; normalised here, so any positive scale works
   * @param bufferMask true at positions holding BatchNorm running statistics; may be null
   * @param includeBuffers average the masked positions too; otherwise they keep models[0]'s values
   *     (the coordinator's), and workers keep their own when loading
   */
  public static float[] average(float[][] models, double[] weights, boolean[] bufferMask, boolean includeBuffers) {
    if (models.length == 0 || models.length != weights.length) {
      throw new IllegalArgumentException("need one weight per model, got " + models.length + " models and "
          + weights.length + " weights");
    }
    int length = models[0].length;
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights must be finite and non-negative, got " + w);
      }
      sum += w;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("weights sum to 0");
    }
    double[] acc = new double[length];
    for (int m = 0; m < models.length; m++) {
      if (models[m].length != length) {
        throw new IllegalArgumentException("model " + m + " has " + models[m].length + " values, expected " + length);
      }
      double w = weights[m] / sum;
      float[] v = models[m];
      for (int i = 0; i < length; i++) {
        acc[i] += w * v[i];
      }
    }
    float[] out = new float[length];
    for (int i = 0; i < length; i++) {
      boolean keepOwn = !includeBuffers && bufferMask != null && bufferMask[i];
      out[i] = keepOwn ? models[0][i] : (float) acc[i];
    }
    return out;
  }
}
