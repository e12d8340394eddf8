package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.planner.Rebalancer;
import dev.hetero.training.api.v1alpha1.RebalanceSpec;
import java.io.PrintStream;

/**
 * The coordinator's side of live rebalancing: it measures every worker after each round
 * ({@link ThroughputMeter}), marks the ones that fall far behind, and at round boundaries hands
 * the api {@link Rebalancer} the running plan, the capacities it assumes and the measured rates.
 * A changed result runs as the next revision of the plan, from the next round on, on the same
 * workers (their work comes with each round's command, so nobody restarts). A new plan version
 * from the operator replaces the running one as it is and the estimates start again from its
 * capacities; the measurements carry over (they are of the workers, not of a plan).
 */
final class Rebalancing {
  private final CoordinatorConfig config;
  private final RebalanceSpec settings;
  private ThroughputMeter meter;
  private long operatorVersion = Long.MIN_VALUE;
  private double[] capacities;
  /** Who was marked Straggler after the last round, by rank. */
  private boolean[] stragglers;

  Rebalancing(CoordinatorConfig config) {
    this.config = config;
    this.settings = config.spec().allocation().rebalance();
    this.meter = new ThroughputMeter(config.plan().size());
    this.stragglers = new boolean[config.plan().size()];
  }

  /** Step 1b of a round: the plan to run, rebalanced from the measurements when enabled and out of the dead band. */
  RunningPlan next(RunningPlan plan, PrintStream log) {
    if (plan.version() != operatorVersion) {
      operatorVersion = plan.version();
      capacities = Rebalancer.assumedCapacities(plan.workers());
    }
    if (!Boolean.TRUE.equals(settings.enabled())) {
      return plan;
    }
    Rebalancer.Decision d = Rebalancer.rebalance(config.spec(), plan.workers(), capacities, meter.rates());
    capacities = d.capacities();
    if (!d.workChanged()) {
      return plan;
    }
    RunningPlan next = plan.rebalanced(d.workers());
    log.println(String.format(java.util.Locale.ROOT, "coordinator: rebalanced plan version %d to revision %d (measured rates"
        + " up to %.0f %% off the assumed capacities): %s", next.version(), next.revision(), 100 * d.deviation(), next.describe()));
    return next;
  }

  /** The workers changed: measurements follow the workers that stay (the next plan version resets the capacities). */
  void regroup(Membership change) {
    meter = meter.regrouped(change);
    boolean[] carried = new boolean[change.previousRank().length];
    for (int i = 0; i < carried.length; i++) {
      carried[i] = change.previousRank()[i] >= 0 && stragglers[change.previousRank()[i]];
    }
    stragglers = carried;
  }

  /** After a round: measure the workers that made it, mark stragglers, and show both in status.workers. */
  void observe(RunningPlan plan, RoundAggregation.Aggregate round, WorkerTracker tracker) {
    double[] slowdowns = plan.slowdowns();
    for (int i = 0; i < plan.size(); i++) {
      long samples = (long) round.applied().steps()[i] * round.applied().batches()[i];
      meter.observe(i, samples, round.compute()[i] * slowdowns[i]);
    }
    double[] rates = meter.rates();
    stragglers = Rebalancer.stragglers(plan.workers(), rates, settings.stragglerFactor());
    tracker.assigned(plan, rates, stragglers);
  }

  /** The workers round {@code round} does not wait for beyond the straggler cut-off (none unless leaveOutStragglers). */
  boolean[] leaveOut(long round) {
    return StragglerCutoff.leaveOut(Boolean.TRUE.equals(settings.leaveOutStragglers()), stragglers, round);
  }

  double stragglerFactor() {
    return settings.stragglerFactor() == null ? 1 : settings.stragglerFactor();
  }
}
