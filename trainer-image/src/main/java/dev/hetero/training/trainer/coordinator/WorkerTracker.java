package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.trainer.round.AscentStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * status.workers: phase, measured samples/s and last round of each worker, the work it runs now
 * with its smoothed step time (and Straggler when it falls far behind), plus what asyncSAM
 * workers saw of their helpers (perturbation age, waiting, b_p, helper utilisation), on their
 * own rows and on their helpers' rows, and the run's totals of it.
 */
final class WorkerTracker {
  private final String[] names;
  private final String[] phases;
  private final double[] rates;
  private final long[] lastRound;
  private final AscentStats[] ascent;
  private final Work[] work;
  private final List<PlannedWorker> helpers;
  private AscentStats total;

  /** What a worker runs now, and its smoothed compute seconds per step (null until measured). */
  private record Work(Integer batch, Integer steps, Double weight, Double stepSeconds) {
  }

  WorkerTracker(List<PlannedWorker> workers, List<PlannedWorker> helpers) {
    int m = workers.size();
    names = workers.stream().map(PlannedWorker::worker).toArray(String[]::new);
    phases = new String[m];
    rates = new double[m];
    lastRound = new long[m];
    ascent = new AscentStats[m];
    work = new Work[m];
    this.helpers = List.copyOf(helpers);
    Arrays.fill(phases, "Waiting");
  }

  /**
   * The rows of a plan whose workers changed: a staying worker keeps its row (rate, last round,
   * asyncSAM figures) under its new rank, a joining one starts Waiting, a leaving one's row goes.
   */
  WorkerTracker regrouped(RunningPlan next, Membership change) {
    WorkerTracker out = new WorkerTracker(next.workers(), next.helpers());
    for (int i = 0; i < out.names.length; i++) {
      int was = change.previousRank()[i];
      if (was >= 0) {
        out.phases[i] = phases[was];
        out.rates[i] = rates[was];
        out.lastRound[i] = lastRound[was];
        out.ascent[i] = ascent[was];
        out.work[i] = work[was];
      }
    }
    out.total = total;
    return out;
  }

  void missed(int rank) {
    phases[rank] = "Late";
  }

  void reported(int rank, long round, int samples, double computeSeconds, AscentStats stats) {
    phases[rank] = "Training";
    lastRound[rank] = round;
    if (computeSeconds > 0) {
      rates[rank] = samples / computeSeconds;
    }
    if (stats != null) {
      ascent[rank] = stats;
      total = total == null ? stats : total.plus(stats);
    }
  }

  /** The work each worker runs (the plan of the last round), its smoothed rate, and who fell far behind with it. */
  void assigned(RunningPlan plan, double[] rates, boolean[] stragglers) {
    for (int i = 0; i < names.length; i++) {
      PlannedWorker w = plan.worker(i);
      Double stepSeconds = rates[i] > 0 && Double.isFinite(rates[i]) ? round6(w.batchSize() / rates[i]) : null;
      work[i] = new Work(w.batchSize(), w.localSteps(), w.weight(), stepSeconds);
      if (stragglers[i] && "Training".equals(phases[i])) {
        phases[i] = "Straggler";
      }
    }
  }

  void done() {
    Arrays.fill(phases, "Done");
  }

  /** Stopped with the coordinator on request; their state is in its checkpoint. */
  void stopped() {
    Arrays.fill(phases, "Stopped");
  }

  /** Every asyncSAM worker's statistics over the run together; null when no worker runs asyncSAM. */
  AscentStats ascentTotals() {
    return total;
  }

  List<WorkerStatus> statuses() {
    List<WorkerStatus> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      AscentStats a = ascent[i];
      WorkerStatus row = a == null ? new WorkerStatus(names[i], phases[i], round1(rates[i]), lastRound[i])
          : new WorkerStatus(names[i], phases[i], round1(rates[i]), lastRound[i], round3(a.meanAge()), round3(a.waitFraction()),
              a.perturbationBatch(), round3(a.helperUtilisation()));
      out.add(work[i] == null ? row : row.withWork(work[i].batch(), work[i].steps(), work[i].weight(), work[i].stepSeconds()));
    }
    for (PlannedWorker h : helpers) {
      int partner = Arrays.asList(names).indexOf(h.ascentFor());
      AscentStats a = partner < 0 ? null : ascent[partner];
      boolean helping = a != null && a.perturbed() > 0 && !"Done".equals(phases[partner]);
      out.add(new WorkerStatus(h.worker(), helping ? "Helping" : partner >= 0 && "Done".equals(phases[partner]) ? "Done" : "Waiting",
          null, a == null ? null : lastRound[partner], null, null, a == null ? null : a.perturbationBatch(),
          a == null ? null : round3(a.helperUtilisation())));
    }
    return out;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
