package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.RebalanceSpec;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.api.validation.SpecDefaults;
import java.util.ArrayList;
import java.util.List;

/**
 * Live rebalancing, a proportional controller in the spirit of OmniLearn and DBS: from each
 * training worker's measured compute rate (samples per compute second) it moves the capacity the
 * plan assumes for that worker towards the measurement, then sizes the work from those capacities
 * with the planner's own rules ({@link WorkSizing}: batches within the allocation bounds, the
 * global batch kept, equal-time local steps, aggregation weights, roles and sampling), so a
 * rebalanced plan is the plan the planner would make on nodes of the measured speeds.
 *
 * <ul>
 *   <li>Scale: measured rates are in samples/s, plan capacities in the labels' units; the rates
 *       are scaled so that the measured workers' total equals their assumed total. Only ratios
 *       matter to sizing, and the total capacity stays where the operator put it.</li>
 *   <li>Dead band: nothing changes while every measured worker's scaled rate is within
 *       {@code deadBand} (relative) of its assumed capacity. With step-time noise of at most
 *       {@code deadBand / (2 + deadBand)} on every worker (4.8 % at the default 0.1) the scaled
 *       rate stays in the band, so noise below that never moves the plan.</li>
 *   <li>Damping: outside the band every measured estimate closes {@code damping} of its gap
 *       ({@code c += damping * (r - c)}), which keeps the total and never overshoots, so the
 *       estimates approach a fixed speed ratio geometrically and then stop inside the band.</li>
 * </ul>
 * A worker with no measurement (NaN or not positive: it missed every round so far) keeps its
 * estimate and is left out of the scaling. Fewer than two measured workers: nothing to compare.
 * Pure: the caller keeps the estimates between rounds.
 */
public final class Rebalancer {
  private Rebalancer() {
  }

  /**
   * @param capacities the estimate the next call starts from (equal to the input when nothing moved)
   * @param workers the workers to run: the input list itself when their work did not change
   * @param deviation the largest relative distance of a scaled measured rate from its assumed capacity
   */
  public record Decision(double[] capacities, List<PlannedWorker> workers, boolean workChanged, double deviation) {
  }

  /**
   * @param rawSpec the job's spec (defaults are applied here)
   * @param workers the training workers as they run now, by rank
   * @param capacities the capacity assumed for each worker (the plan's at first)
   * @param measuredRates smoothed samples per compute second of each worker (NaN: not measured)
   */
  public static Decision rebalance(HeteroTrainingJobSpec rawSpec, List<PlannedWorker> workers, double[] capacities,
      double[] measuredRates) {
    HeteroTrainingJobSpec spec = SpecDefaults.apply(rawSpec);
    RebalanceSpec settings = spec.allocation().rebalance();
    double[] scaled = scaledRates(capacities, measuredRates);
    double deviation = deviation(capacities, scaled);
    if (scaled == null || deviation <= settings.deadBand()) {
      return new Decision(capacities.clone(), workers, false, deviation);
    }
    double[] next = capacities.clone();
    for (int i = 0; i < next.length; i++) {
      if (!Double.isNaN(scaled[i])) {
        next[i] = capacities[i] + settings.damping() * (scaled[i] - capacities[i]);
      }
    }
    List<PlannedWorker> resized = resize(spec, workers, next);
    return new Decision(next, sameWork(workers, resized) ? workers : resized, !sameWork(workers, resized), deviation);
  }

  /** Measured rates scaled to the assumed total of the measured workers; NaN where unmeasured; null below two measured. */
  static double[] scaledRates(double[] capacities, double[] measuredRates) {
    double assumed = 0;
    double measured = 0;
    int known = 0;
    for (int i = 0; i < capacities.length; i++) {
      if (measuredRates[i] > 0 && Double.isFinite(measuredRates[i])) {
        assumed += capacities[i];
        measured += measuredRates[i];
        known++;
      }
    }
    if (known < 2) {
      return null;
    }
    double[] scaled = new double[capacities.length];
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] = measuredRates[i] > 0 && Double.isFinite(measuredRates[i]) ? measuredRates[i] * assumed / measured : Double.NaN;
    }
    return scaled;
  }

  private static double deviation(double[] capacities, double[] scaled) {
    if (scaled == null) {
      return 0;
    }
    double worst = 0;
    for (int i = 0; i < scaled.length; i++) {
      if (!Double.isNaN(scaled[i])) {
        worst = Math.max(worst, Math.abs(scaled[i] / capacities[i] - 1));
      }
    }
    return worst;
  }

  /** The workers sized from {@code capacities} by the planner's rules. */
  static List<PlannedWorker> resize(HeteroTrainingJobSpec spec, List<PlannedWorker> workers, double[] capacities) {
    DeviceClass[] classes = workers.stream().map(PlannedWorker::deviceClass).toArray(DeviceClass[]::new);
    WorkSizing.Sized sized = WorkSizing.of(spec, capacities, classes);
    List<PlannedWorker> out = new ArrayList<>(workers.size());
    for (int i = 0; i < workers.size(); i++) {
      WorkerRole role = sized.roles()[i];
      out.add(workers.get(i).resized(CapacityPlanner.round6(capacities[i]), sized.batch()[i], sized.localSteps()[i],
          CapacityPlanner.round6(sized.weights()[i]), role, AlgorithmRules.sampling(spec, role)));
    }
    return out;
  }

  /** Same batch, steps, weight, role and sampling on every worker (capacity alone may differ). */
  static boolean sameWork(List<PlannedWorker> a, List<PlannedWorker> b) {
    for (int i = 0; i < a.size(); i++) {
      PlannedWorker x = a.get(i);
      PlannedWorker y = b.get(i);
      if (!x.batchSize().equals(y.batchSize()) || !x.localSteps().equals(y.localSteps()) || !x.weight().equals(y.weight())
          || x.role() != y.role() || x.sampling() != y.sampling()) {
        return false;
      }
    }
    return true;
  }

  /** The capacities a plan assumes, by rank (1 where a plan entry has none). */
  public static double[] assumedCapacities(List<PlannedWorker> workers) {
    return workers.stream().mapToDouble(w -> w.capacity() == null || !(w.capacity() > 0) ? 1.0 : w.capacity()).toArray();
  }

  /**
   * Which workers fall far behind with the work they are given: their round compute time
   * (samples per round / measured rate) exceeds {@code factor} times the median worker's.
   * Unmeasured workers are never stragglers.
   */
  public static boolean[] stragglers(List<PlannedWorker> workers, double[] measuredRates, double factor) {
    int n = workers.size();
    double[] seconds = new double[n];
    List<Double> known = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      seconds[i] = measuredRates[i] > 0 && Double.isFinite(measuredRates[i])
          ? workers.get(i).samplesPerRound() / measuredRates[i] : Double.NaN;
      if (!Double.isNaN(seconds[i])) {
        known.add(seconds[i]);
      }
    }
    boolean[] out = new boolean[n];
    if (known.size() < 2) {
      return out;
    }
    double[] sorted = known.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    for (int i = 0; i < n; i++) {
      out[i] = !Double.isNaN(seconds[i]) && seconds[i] > factor * median;
    }
    return out;
  }
}
