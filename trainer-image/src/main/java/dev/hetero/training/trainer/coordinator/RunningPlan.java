package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.SampleSelection;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The plan the round loop applies, as planned: each worker's batch, local steps, weight, sampling,
 * update rule and slowdown are read from its plan entry and never derived again here. Listed by
 * rank; an entry that lacks any of them is refused (the trainer would otherwise have to guess).
 * asyncSAM helpers (role helper, ranked after every training worker) take no part in rounds:
 * they are kept apart in {@code helpers}, for status.
 *
 * <p>{@code version} is the operator's plan version (who runs where); {@code revision} counts the
 * coordinator's live rebalances of that version's work (0: as the operator planned it).
 */
public record RunningPlan(long version, List<PlannedWorker> workers, List<PlannedWorker> helpers, long revision) {

  public RunningPlan {
    List<String> problems = problems(workers);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("plan version " + version + " cannot run: " + String.join("; ", problems));
    }
    workers = workers.stream().sorted(Comparator.comparing(PlannedWorker::rank)).toList();
    helpers = List.copyOf(helpers);
  }

  public RunningPlan(long version, List<PlannedWorker> workers, List<PlannedWorker> helpers) {
    this(version, workers, helpers, 0);
  }

  public RunningPlan(long version, List<PlannedWorker> workers) {
    this(version, workers, List.of());
  }

  /** The same workers with the rebalancer's work: the next revision of this version. */
  RunningPlan rebalanced(List<PlannedWorker> resized) {
    return new RunningPlan(version, resized, helpers, revision + 1);
  }

  public static RunningPlan of(PlanDocument plan) {
    return new RunningPlan(plan.planVersion(), plan.workers().stream().filter(w -> !w.helper()).toList(),
        plan.workers().stream().filter(PlannedWorker::helper).toList());
  }

  static List<String> problems(List<PlannedWorker> workers) {
    List<String> out = new ArrayList<>();
    if (workers.isEmpty()) {
      out.add("no workers");
    }
    boolean[] seen = new boolean[workers.size()];
    double weights = 0;
    for (PlannedWorker w : workers) {
      String who = "worker " + w.worker();
      if (w.rank() == null || w.rank() < 0 || w.rank() >= workers.size() || seen[w.rank()]) {
        out.add(who + ": rank " + w.rank() + " is not one of 0.." + (workers.size() - 1) + " (each once)");
      } else {
        seen[w.rank()] = true;
      }
      if (w.batchSize() == null || w.batchSize() < 1) {
        out.add(who + ": batchSize " + w.batchSize() + " (must be at least 1)");
      }
      if (w.localSteps() == null || w.localSteps() < 1) {
        out.add(who + ": localSteps " + w.localSteps() + " (must be at least 1)");
      }
      if (w.weight() == null || !(w.weight() >= 0) || w.weight().isInfinite()) {
        out.add(who + ": weight " + w.weight() + " (must be a number >= 0)");
      } else {
        weights += w.weight();
      }
      if (w.sampling() == null) {
        out.add(who + ": no sampling (uniform or highLoss)");
      }
      if (!(w.slowdown() >= 1)) {
        out.add(who + ": simulatedSlowdown " + w.simulatedSlowdown() + " (must be at least 1)");
      }
    }
    if (out.isEmpty() && !(weights > 0)) {
      out.add("every worker has weight 0");
    }
    return out;
  }

  public int size() {
    return workers.size();
  }

  public PlannedWorker worker(int rank) {
    return workers.get(rank);
  }

  /** n_i = batch x local steps of each worker, by rank. */
  public long[] samplesPerRound() {
    return workers.stream().mapToLong(PlannedWorker::samplesPerRound).toArray();
  }

  /** Which workers take loss-based top-k samples (the sampling bias). */
  public boolean[] highLoss() {
    boolean[] out = new boolean[workers.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = workers.get(i).sampling() == SampleSelection.HIGH_LOSS;
    }
    return out;
  }

  public double[] weights() {
    return workers.stream().mapToDouble(PlannedWorker::weight).toArray();
  }

  /** The update rule of each worker, by rank. */
  public OptimizerMethod[] optimizers() {
    return workers.stream().map(PlannedWorker::optimizerMethod).toArray(OptimizerMethod[]::new);
  }

  public double[] slowdowns() {
    return workers.stream().mapToDouble(PlannedWorker::slowdown).toArray();
  }

  /**
   * Why {@code next} cannot replace this plan in a running job, or null when it can: the same
   * workers at the same ranks (other workers need other pods, which is the operator's job).
   */
  public String incompatibility(RunningPlan next) {
    if (next.size() != size()) {
      return "it has " + next.size() + " workers, this run " + size();
    }
    for (int i = 0; i < size(); i++) {
      if (!next.worker(i).worker().equals(worker(i).worker())) {
        return "rank " + i + " is " + next.worker(i).worker() + " there, " + worker(i).worker() + " here";
      }
    }
    return null;
  }

  /**
   * Why {@code next} cannot replace this plan in a run whose workers may join and leave, or null
   * when it can: rank 0 must be the same worker (the coordinator runs in its process), and the
   * asyncSAM pairs, which find each other by rank, must be as they are.
   */
  public String elasticIncompatibility(RunningPlan next) {
    if (!next.worker(0).worker().equals(worker(0).worker())) {
      return "rank 0 is " + next.worker(0).worker() + " there, " + worker(0).worker() + " here (the coordinator runs in rank"
          + " 0's process)";
    }
    boolean pairs = !helpers.isEmpty() || !next.helpers().isEmpty();
    if (pairs && !next.helpers().stream().map(PlannedWorker::worker).toList()
        .equals(helpers.stream().map(PlannedWorker::worker).toList())) {
      return "its asyncSAM helpers differ (pairs are fixed for a run)";
    }
    return pairs ? incompatibility(next) : null;
  }

  /** Whether {@code other} has the same workers at the same ranks. */
  boolean sameWorkers(RunningPlan other) {
    return incompatibility(other) == null;
  }

  RunningPlan next(Optional<PlanDocument> document, PrintStream log) {
    return next(document, false, log);
  }

  /**
   * Step 1 of a round: the plan to run from this round on, this one or {@code document} when a
   * newer version appeared that fits this run (every entry complete; the same workers at the same
   * ranks, or, when {@code elastic}, the same rank 0).
   */
  RunningPlan next(Optional<PlanDocument> document, boolean elastic, PrintStream log) {
    if (document.isEmpty()) {
      return this;
    }
    log.println("coordinator: plan version " + document.get().planVersion() + " found");
    RunningPlan next;
    try {
      next = RunningPlan.of(document.get());
    } catch (IllegalArgumentException e) {
      log.println("coordinator: ignored a re-plan: " + e.getMessage());
      return this;
    }
    String misfit = elastic ? elasticIncompatibility(next) : incompatibility(next);
    if (misfit != null) {
      log.println("coordinator: ignored re-plan version " + next.version() + ": " + misfit + (elastic
          ? " (that needs a new coordinator)" : " (that needs new workers)"));
      return this;
    }
    log.println("coordinator: re-plan picked up: " + next.describe());
    return next;
  }

  /** One line for the log: rank, batch x steps, weight and sampling of each worker. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (PlannedWorker w : workers) {
      b.append(b.length() == 0 ? "" : ", ").append("rank ").append(w.rank()).append(' ').append(w.batchSize()).append('x')
          .append(w.localSteps()).append(String.format(Locale.ROOT, " w=%.4f", w.weight()))
          .append(w.sampling() == SampleSelection.HIGH_LOSS ? " highLoss" : "")
          .append(w.optimizerMethod() == OptimizerMethod.SGD ? "" : " " + w.optimizerMethod().wireName());
    }
    return b.toString();
  }
}
