package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.trainer.round.AscentStats;
import java.util.List;

/**
 * The end of a run: the curve, totals, the final averaged model and the digest of the model each
 * worker ended with (all equal when aggregation works), how it ended and its last checkpoint, and
 * what the asyncSAM workers saw of their helpers over the run.
 *
 * @param finalDigests empty unless the run completed in this process
 * @param lastCheckpointRound the round of the checkpoint written last (or resumed from); null without checkpoints
 * @param lastAccuracy accuracy of the last evaluation, also one before a resume (NaN before the first)
 * @param ascent the asyncSAM workers' statistics over the run; null when no worker runs asyncSAM
 */
public record RunOutcome(List<EvaluationReport> curve, long rounds, long samples, double elapsedSeconds,
    double virtualSeconds, float[] finalModel, List<String> finalDigests, String expectedDigest, Ending ending,
    Long lastCheckpointRound, double lastAccuracy, AscentStats ascent) {

  /** How a run ended. */
  public enum Ending {
    /** The budget is done and the workers hold the final model. */
    COMPLETED,
    /** A stop was requested; the run stopped at a round boundary (checkpointed when a store is set). */
    STOPPED_ON_REQUEST,
    /** The checkpoint it resumed from already covered the budget: nothing was trained. */
    ALREADY_COMPLETE
  }

  /** The last evaluation of this process's curve. */
  public EvaluationReport last() {
    return curve.get(curve.size() - 1);
  }
}
