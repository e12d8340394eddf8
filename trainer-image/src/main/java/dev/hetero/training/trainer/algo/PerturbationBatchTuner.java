package dev.hetero.training.trainer.algo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * asyncSAM's system-aware perturbation batch: the largest b_p whose ascent on the helper takes
 * no longer than its partner's descent step, kept there as both drift. Pure: fed measurements,
 * it answers the batch to use next.
 *
 * <p>Model: an ascent of b samples costs {@code a + c b} seconds, fitted by least squares over
 * the median times of the (up to four) batch sizes last tried, or {@code c b} while only one was
 * tried. Budget: {@link #MARGIN} of the partner's median step (the rest covers the transfers).
 * Every {@link #WINDOW} ascents at the current batch it re-decides from the medians of the last
 * {@link #WINDOW} measurements (robust to the odd slow step of a shared machine), but moves only
 * when that batch's time is outside the dead band [{@link #LOW}, 1] x budget: too slow and it
 * shrinks, clearly too fast and it grows, each time to the largest batch predicted to take the
 * middle of the band. When a batch's time is more than {@link #DRIFT} off what the fit predicted
 * for it, the other batch sizes' times (measured before the drift) are forgotten and the fit
 * starts again from this one. The partner's own waiting is the last word: when it waits more
 * than {@link #WAITING} of its step on average, the ascent does not really fit (transfers and
 * contention take the rest), so the batch shrinks by the time waited and that batch becomes a
 * ceiling, until the partner's step changes by more than {@link #DRIFT}. With {@code auto}
 * false the batch never moves.
 */
public final class PerturbationBatchTuner {
  static final double MARGIN = 0.9;
  static final double LOW = 0.8;
  /** A move aims at the middle of the dead band, so that noise either side does not move it again. */
  static final double CENTRE = (1 + LOW) / 2;
  static final int WINDOW = 16;
  /** A batch whose time is this far off its prediction means the machine changed: start the fit afresh. */
  static final double DRIFT = 0.25;
  /** A partner waiting more than this share of its step on average is waiting for this helper. */
  static final double WAITING = 0.02;
  private static final int FIT_POINTS = 4;

  private final int max;
  private final boolean auto;
  /** The latest ascent times per batch size, ordered by when a size was last tried. */
  private final Map<Integer, Deque<Double>> seconds = new LinkedHashMap<>();
  private final Deque<Double> partnerSteps = new ArrayDeque<>();
  private final Deque<Double> partnerWaits = new ArrayDeque<>();
  /** The smallest batch at which the partner was seen waiting (max + 1: none yet), and the budget then. */
  private int ceiling;
  private double ceilingBudget = Double.NaN;
  private int batch;
  private int sinceDecision;
  /** What the fit predicted for the current batch when it was chosen (NaN at the start). */
  private double expected = Double.NaN;
  private String lastChange;

  /**
   * @param start the plan's perturbation batch (where auto starts)
   * @param max the largest batch auto may choose (the partner's descent batch)
   */
  public PerturbationBatchTuner(int start, int max, boolean auto) {
    if (start < 1 || max < 1) {
      throw new IllegalArgumentException("perturbation batch " + start + " and its bound " + max + " must be at least 1");
    }
    this.max = max;
    this.auto = auto;
    this.batch = auto ? Math.min(start, max) : start;
    this.ceiling = max + 1;
  }

  public int batch() {
    return batch;
  }

  public boolean auto() {
    return auto;
  }

  /** Why the batch last moved, for the log. */
  public String lastChange() {
    return lastChange;
  }

  /** An observation without the partner's waiting (a partner that never waits). */
  public boolean observe(int b, double ascentSeconds, double partnerStepSeconds) {
    return observe(b, ascentSeconds, partnerStepSeconds, 0);
  }

  /**
   * One ascent of {@code b} samples kept the helper busy {@code ascentSeconds}; its partner's
   * descent step takes {@code partnerStepSeconds} and it waited {@code partnerWaitSeconds} for a
   * perturbation before its last step. Returns true when the batch changed.
   */
  public boolean observe(int b, double ascentSeconds, double partnerStepSeconds, double partnerWaitSeconds) {
    if (!auto || !(ascentSeconds > 0) || !(partnerStepSeconds > 0)) {
      return false;
    }
    Deque<Double> times = seconds.remove(b); // re-inserted last
    seconds.put(b, latest(times == null ? new ArrayDeque<>() : times, ascentSeconds));
    latest(partnerSteps, partnerStepSeconds);
    latest(partnerWaits, Math.max(0, partnerWaitSeconds));
    if (b != batch || ++sinceDecision < WINDOW) {
      return false;
    }
    sinceDecision = 0;
    double stepSeconds = median(partnerSteps);
    double budget = MARGIN * stepSeconds;
    double now = median(seconds.get(batch));
    double waited = partnerWaits.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    boolean waiting = waited > WAITING * stepSeconds;
    if (!Double.isNaN(ceilingBudget) && Math.abs(budget / ceilingBudget - 1) > DRIFT) {
      ceiling = max + 1; // the partner's step changed: what made it wait before no longer says much
      ceilingBudget = Double.NaN;
    }
    if (!waiting && now <= budget && (now >= LOW * budget || batch >= ceiling - 1)) {
      return false;
    }
    if (!Double.isNaN(expected) && Math.abs(now / expected - 1) > DRIFT) {
      seconds.keySet().removeIf(k -> k != batch); // the other sizes were measured before a drift
    }
    // A partner that waits although the ascent fits the budget loses the rest to transfers and
    // contention: take the time it waited off the ascent, and do not come back to this batch.
    int next = waiting ? Math.min(batch - 1, largestWithin(Math.min(CENTRE * budget, now - waited)))
        : Math.min(ceiling - 1, largestWithin(CENTRE * budget));
    next = Math.max(1, next);
    if (waiting) {
      ceiling = batch;
      ceilingBudget = budget;
    }
    if (next == batch) {
      return false;
    }
    expected = predicted(next);
    lastChange = String.format(Locale.ROOT, "perturbation batch %d -> %d (ascent %.2f ms at %d against a budget of %.2f ms"
        + " = %.0f %% of the partner's %.2f ms step%s)", batch, next, 1000 * now, batch, 1000 * budget, 100 * MARGIN,
        1000 * stepSeconds, waiting ? String.format(Locale.ROOT, "; the partner waited %.2f ms a step", 1000 * waited) : "");
    batch = next;
    return true;
  }

  /** The largest batch in [1, max] whose predicted ascent fits the budget (1 when none does). */
  int largestWithin(double budget) {
    double[] fit = fit();
    double b = (budget - fit[0]) / fit[1];
    return (int) Math.max(1, Math.min(max, Math.floor(b)));
  }

  private double predicted(int b) {
    double[] fit = fit();
    return fit[0] + fit[1] * b;
  }

  private static Deque<Double> latest(Deque<Double> times, double t) {
    times.addLast(t);
    while (times.size() > WINDOW) {
      times.removeFirst();
    }
    return times;
  }

  private static double median(Deque<Double> times) {
    double[] v = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** {a, c} of t = a + c b over the latest batch sizes' medians; through the origin with one point or a useless fit. */
  private double[] fit() {
    var points = seconds.entrySet().stream().skip(Math.max(0, seconds.size() - FIT_POINTS))
        .map(e -> Map.entry(e.getKey(), median(e.getValue()))).toList();
    var last = points.get(points.size() - 1);
    double[] proportional = {0, last.getValue() / last.getKey()};
    if (points.size() < 2) {
      return proportional;
    }
    double n = points.size();
    double sb = 0;
    double st = 0;
    double sbb = 0;
    double sbt = 0;
    for (var p : points) {
      sb += p.getKey();
      st += p.getValue();
      sbb += (double) p.getKey() * p.getKey();
      sbt += p.getKey() * p.getValue();
    }
    double c = (n * sbt - sb * st) / (n * sbb - sb * sb);
    double a = (st - c * sb) / n;
    return c > 0 && a >= 0 ? new double[] {a, c} : proportional;
  }
}
