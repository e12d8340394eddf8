package dev.hetero.training.trainer.ascent;

/**
 * The model a training worker holds at the start of one of its steps, offered to its asyncSAM
 * helper: the helper computes the next perturbation from it.
 *
 * @param step the worker's step counter (over the whole run), the perturbation's "source"
 * @param model the whole model vector
 * @param stepSeconds the worker's last descent step, compute only (the helper's time budget for b_p auto)
 * @param waitSeconds how long the worker waited for a perturbation before its last step (b_p auto shrinks when it waits)
 */
public record Snapshot(long step, float[] model, double stepSeconds, double waitSeconds) {

  /** A snapshot of a worker that did not wait. */
  public Snapshot(long step, float[] model, double stepSeconds) {
    this(step, model, stepSeconds, 0);
  }
}
