package dev.hetero.training.trainer.round;

/**
 * What an asyncSAM worker saw of its helper during a round: how many steps took a perturbation
 * and how old those were (in steps), how long it waited for them against how long it computed,
 * and the helper's latest perturbation batch and utilisation. Summed over rounds for a run.
 *
 * @param perturbed steps that applied a perturbation
 * @param unperturbed steps that ran as plain SGD (none fresh enough arrived within the wait limit)
 * @param ageSum sum over perturbed steps of (step - source)
 * @param maxAge the oldest perturbation applied
 * @param waitSeconds time spent waiting for perturbations
 * @param stepSeconds time spent computing steps
 * @param perturbationBatch b_p of the latest perturbation (0: none yet)
 * @param helperUtilisation the helper's busy share of its time, as it last reported
 */
public record AscentStats(int perturbed, int unperturbed, double ageSum, long maxAge, double waitSeconds, double stepSeconds,
    int perturbationBatch, double helperUtilisation) {

  public static final AscentStats NONE = new AscentStats(0, 0, 0, 0, 0, 0, 0, 0);

  public double meanAge() {
    return perturbed == 0 ? 0 : ageSum / perturbed;
  }

  /** Share of the worker's step time spent waiting for perturbations. */
  public double waitFraction() {
    double total = waitSeconds + stepSeconds;
    return total <= 0 ? 0 : waitSeconds / total;
  }

  /** Both rounds together; the latest batch and utilisation are {@code later}'s. */
  public AscentStats plus(AscentStats later) {
    return new AscentStats(perturbed + later.perturbed, unperturbed + later.unperturbed, ageSum + later.ageSum,
        Math.max(maxAge, later.maxAge), waitSeconds + later.waitSeconds, stepSeconds + later.stepSeconds,
        later.perturbationBatch != 0 ? later.perturbationBatch : perturbationBatch,
        later.perturbationBatch != 0 ? later.helperUtilisation : helperUtilisation);
  }
}
