package dev.hetero.training.trainer.algo;

import java.util.List;

/**
 * Multistep learning-rate decay whose milestones are fractions of the sample budget, so the same
 * schedule holds whatever the number of workers, batch or local steps (the reference recipe
 * decays x0.1 at 60 % and 80 % of the budget).
 */
public record LearningRateSchedule(double initial, List<Double> milestones, double decayFactor) {

  public LearningRateSchedule {
    milestones = milestones == null ? List.of() : List.copyOf(milestones);
    if (!(initial > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + initial);
    }
    double previous = 0;
    for (double m : milestones) {
      if (!(m > previous) || !(m < 1)) {
        throw new IllegalArgumentException("milestones must increase strictly within (0, 1), got " + milestones);
      }
      previous = m;
    }
  }

  /** Rate to use when a fraction {@code progress} (0..1) of the budget has been processed. */
  public double rateAt(double progress) {
    double rate = initial;
    for (double m : milestones) {
      if (progress >= m) {
        rate *= decayFactor;
      }
    }
    return rate;
  }
}
