package dev.hetero.training.trainer.worker;

import java.util.List;

/**
 * The end of a run: the curve, totals, the final averaged model and the digest of the model each
 * worker ended with (all equal when aggregation works).
 */
public record RunOutcome(List<EvaluationReport> curve, long rounds, long samples, double elapsedSeconds,
    double virtualSeconds, float[] finalModel, List<String> finalDigests, String expectedDigest) {

  public EvaluationReport last() {
    return curve.get(curve.size() - 1);
  }
}
