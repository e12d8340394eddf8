package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.model.NodeHealth;
import dev.hetero.training.operator.model.NodeInventoryBuilder;
import dev.hetero.training.operator.model.ReservedCapacity;
import dev.hetero.training.operator.model.StuckWorkers;
import dev.hetero.training.operator.model.PlanStabilizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The plan step: keep the current plan, plan afresh, or re-plan around lost nodes. A plan is
 * kept as long as the spec and the nodes it uses are unchanged, so other jobs' pods landing on
 * the cluster never reshuffle a running job.
 */
@ApplicationScoped
public class JobPlanning {
  @Inject
  CapacityPlanner planner;

  @Inject
  OperatorConfig config;

  @Inject
  CapacityLedger ledger;

  /**
   * KEPT: the plan stands; FRESH: planned from scratch; REPLANNED: workers of lost nodes moved;
   * MOVED: workers the scheduler could not place moved elsewhere; UNSCHEDULABLE: no plan fits.
   */
  public enum Kind { KEPT, FRESH, REPLANNED, MOVED, UNSCHEDULABLE }

  /**
   * @param workers the plan to run (empty when unschedulable)
   * @param message why unschedulable, or what the re-plan did
   * @param recheckAt when a NotReady node's grace period ends
   */
  public record Outcome(Kind kind, List<PlannedWorker> workers, String message, Set<String> lostNodes,
      Optional<java.time.Instant> recheckAt) {
  }

  /**
   * Decides the plan. Serialised on the ledger: the inventory a job plans against already holds
   * every plan accepted before it, even those whose pods the cache does not show yet.
   */
  public Outcome plan(JobObservation obs, HeteroTrainingJobSpec spec) {
    synchronized (ledger) {
      Outcome outcome = decide(obs, spec);
      if (outcome.kind() == Kind.FRESH || outcome.kind() == Kind.REPLANNED || outcome.kind() == Kind.MOVED) {
        ledger.reserve(obs.job().getMetadata().getUid(), obs.job().getMetadata().getNamespace(), spec, outcome.workers(), obs.now());
      }
      return outcome;
    }
  }

  private Outcome decide(JobObservation obs, HeteroTrainingJobSpec spec) {
    List<PlannedWorker> previous = obs.previousPlan();
    boolean fresh = previous.isEmpty() || obs.specChanged() || obs.previousPhase() == JobPhase.Pending
        || obs.previousPhase() == JobPhase.Unschedulable || obs.previousPhase() == JobPhase.Suspended;
    if (fresh) {
      return planFresh(obs, spec, Set.of(), Kind.FRESH);
    }
    Set<String> nodesInUse = previous.stream().map(PlannedWorker::node).collect(Collectors.toSet());
    NodeHealth.Verdict health = NodeHealth.lostNodes(nodesInUse, obs.nodes(), obs.now(), config.nodeLostGrace());
    if (!health.lost().isEmpty()) {
      return replan(obs, spec, previous, health);
    }
    StuckWorkers.Verdict stuck = StuckWorkers.find(obs.podsByWorker(), previous, obs.now(), config.nodeLostGrace());
    if (!stuck.workers().isEmpty()) {
      Optional<Outcome> moved = moveStuck(obs, spec, previous, stuck);
      if (moved.isPresent()) {
        return moved.get();
      }
    }
    return new Outcome(Kind.KEPT, previous, "", Set.of(), earliest(health.recheckAt(), stuck.recheckAt()));
  }

  /**
   * Plans the stuck workers around their nodes (treated as unusable for this job), keeping every
   * other worker where it is. Not counted as a restart: the workers did nothing wrong.
   */
  private Optional<Outcome> moveStuck(JobObservation obs, HeteroTrainingJobSpec spec, List<PlannedWorker> previous,
      StuckWorkers.Verdict stuck) {
    PlanResult result = plan(obs, withReplicas(spec, previous), inventory(obs, stuck.nodes()));
    if (!(result instanceof PlanResult.Placed placed)) {
      return Optional.empty();
    }
    List<PlannedWorker> workers = PlanStabilizer.stabilize(previous, stuck.nodes(), placed.workers()).orElse(placed.workers());
    return Optional.of(new Outcome(Kind.MOVED, workers, "worker(s) " + stuck.workers() + " could not be scheduled on node(s) "
        + stuck.nodes() + " for over " + config.nodeLostGrace().toSeconds() + " s; planned them elsewhere", Set.of(),
        Optional.empty()));
  }

  private static Optional<java.time.Instant> earliest(Optional<java.time.Instant> a, Optional<java.time.Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().isBefore(b.get()) ? a : b;
  }

  private Outcome replan(JobObservation obs, HeteroTrainingJobSpec spec, List<PlannedWorker> previous,
      NodeHealth.Verdict health) {
    // Same number of workers per pool as now, so batch sizes are re-derived for the same world.
    HeteroTrainingJobSpec sameCounts = withReplicas(spec, previous);
    List<NodeInfo> inventory = inventory(obs, health.lost());
    PlanResult result = plan(obs, sameCounts, inventory);
    if (result instanceof PlanResult.Placed placed) {
      Optional<List<PlannedWorker>> stable = PlanStabilizer.stabilize(previous, health.lost(), placed.workers());
      List<PlannedWorker> workers = stable.orElse(placed.workers());
      return new Outcome(Kind.REPLANNED, workers, "node(s) " + health.lost() + " lost; "
          + (stable.isPresent() ? "moved only their workers" : "planned every worker again"), health.lost(),
          health.recheckAt());
    }
    // Not enough room for the same count: let auto pools shrink to what fits (within their bounds).
    Outcome any = planFresh(obs, spec, health.lost(), Kind.REPLANNED);
    if (any.kind() == Kind.UNSCHEDULABLE) {
      return any;
    }
    return new Outcome(Kind.REPLANNED, any.workers(), "node(s) " + health.lost() + " lost; planned every worker again",
        health.lost(), health.recheckAt());
  }

  private Outcome planFresh(JobObservation obs, HeteroTrainingJobSpec spec, Set<String> excluded, Kind kind) {
    PlanResult result = plan(obs, spec, inventory(obs, excluded));
    if (result instanceof PlanResult.Placed placed) {
      return new Outcome(kind, placed.workers(), String.join("; ", placed.reasons()), excluded, Optional.empty());
    }
    PlanResult.Unplaceable u = (PlanResult.Unplaceable) result;
    return new Outcome(Kind.UNSCHEDULABLE, List.of(), u.summary(), excluded, Optional.empty());
  }

  private PlanResult plan(JobObservation obs, HeteroTrainingJobSpec spec, List<NodeInfo> inventory) {
    try {
      return planner.plan(obs.name(), spec, inventory);
    } catch (IllegalArgumentException e) {
      // e.g. a resource quantity the planner cannot read: a spec problem, reported, never retried hot.
      return new PlanResult.Unplaceable(List.of(e.getMessage()), List.of());
    }
  }

  private List<NodeInfo> inventory(JobObservation obs, Set<String> excluded) {
    String uid = obs.job().getMetadata().getUid();
    return ReservedCapacity.subtract(NodeInventoryBuilder.build(obs.nodes(), obs.allPods(), uid, excluded),
        ledger.snapshot(), obs.allPods(), uid, obs.now());
  }

  static HeteroTrainingJobSpec withReplicas(HeteroTrainingJobSpec spec, List<PlannedWorker> plan) {
    Map<String, Long> counts = plan.stream().collect(Collectors.groupingBy(PlannedWorker::pool, Collectors.counting()));
    List<PoolSpec> pools = spec.pools().stream().map(p -> {
      int n = counts.getOrDefault(p.name(), 0L).intValue();
      return new PoolSpec(p.name(), p.deviceClass(), n, Math.min(n, p.minReplicas()), Math.max(n, p.maxReplicas()),
          p.gpusPerWorker(), p.cpusPerWorker(), p.capacityPerWorker(), p.simulatedSlowdown(), p.nodeSelector(),
          p.tolerations(), p.resources(), p.image());
    }).toList();
    return new HeteroTrainingJobSpec(spec.model(), spec.dataset(), spec.training(), spec.allocation(), spec.sampling(),
        spec.aggregation(), pools, spec.runPolicy(), spec.checkpoint());
  }

  static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    return items.stream().collect(Collectors.toMap(name, Function.identity(), (a, b) -> a));
  }
}
