package dev.hetero.training.study;

import java.util.List;

/** What one study run produced, as its child process writes it (JSON). */
public record RunResult(String level, String method, long seed, double finalAccuracy, double virtualSeconds, double wallSeconds,
    long rounds, List<Point> curve) {

  /** One evaluation of the averaged model. */
  public record Point(double epoch, double virtualSeconds, double accuracy) {
  }

  public RunResult {
    curve = List.copyOf(curve);
  }

  /** Virtual seconds at the first evaluation at or above the target, or NaN if never reached. */
  public double timeTo(double target) {
    for (Point p : curve) {
      if (p.accuracy() >= target) {
        return p.virtualSeconds();
      }
    }
    return Double.NaN;
  }
}
