package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.kueue.KueuePodGroup;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.StatusAggregator;
import dev.hetero.training.operator.model.NodeHealth;
import dev.hetero.training.operator.model.NodeInventoryBuilder;
import dev.hetero.training.operator.model.ReservedCapacity;
import dev.hetero.training.operator.model.StuckWorkers;
import dev.hetero.training.operator.model.PlanStabilizer;
import dev.hetero.training.operator.model.ElasticGrowth;
import dev.hetero.training.operator.model.PodTemplateHash;
import dev.hetero.training.operator.model.WorkerPodState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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

  @Inject
  JobMetrics metrics;

  /**
   * KEPT: the plan stands; FRESH: planned from scratch; REPLANNED: workers of lost nodes moved (or, when the same
   * counts do not fit, auto pools shrunk around the survivors); MOVED: workers the scheduler could not place moved
   * elsewhere; GROWN: an elastic job's auto pools grew into capacity that appeared, every worker staying where it is;
   * SHORT: workers of lost nodes fit nowhere else, but the coordinator's node stands: the plan is kept and the others
   * train (Degraded), looked at again; UNSCHEDULABLE: no plan fits and nothing trains.
   */
  public enum Kind { KEPT, FRESH, REPLANNED, MOVED, GROWN, SHORT, UNSCHEDULABLE }

  /**
   * @param workers the plan to run (empty when unschedulable)
   * @param message why unschedulable, or what the re-plan did
   * @param recheckAt when a NotReady node's grace period ends
   */
  public record Outcome(Kind kind, List<PlannedWorker> workers, String message, Set<String> lostNodes,
      Optional<java.time.Instant> recheckAt) {
  }

  /** How long an active job may go without a reconcile when nothing else asks for one. */
  static final Duration IDLE_RECHECK = Duration.ofMinutes(10);

  /**
   * The plan step: decide the plan and report it. A plan found: the job is active with it (Events
   * and the re-plan counter say what changed), looked at again when a NotReady node's grace or a
   * refused worker's grace ends. No plan: Unschedulable with the planner's message, retried.
   */
  public Optional<Outcome> step(JobObservation obs, HeteroTrainingJobSpec spec, StatusAggregator status) {
    Outcome plan = plan(obs, spec);
    if (plan.kind() == Kind.UNSCHEDULABLE) {
      status.unschedulable(plan.message());
      status.wakeAt(obs.now().plus(config.unschedulableRetry()));
      return Optional.empty();
    }
    announce(obs, plan, status);
    status.active(spec, plan.workers());
    plan.recheckAt().ifPresent(status::wakeAt);
    status.wakeAt(obs.now().plus(IDLE_RECHECK));
    return Optional.of(plan);
  }

  private void announce(JobObservation obs, Outcome plan, StatusAggregator status) {
    switch (plan.kind()) {
      case FRESH -> {
        if (!plan.workers().equals(obs.previousPlan())) {
          long nodes = plan.workers().stream().map(PlannedWorker::node).distinct().count();
          boolean first = obs.previousPlan().isEmpty();
          status.event(first ? Reason.Planned : Reason.Replanned, "", plan.workers().size() + " worker(s) on " + nodes
              + " node(s)");
          if (!first) {
            metrics.replanned("SpecOrCapacityChanged");
          }
        }
      }
      case REPLANNED -> {
        status.event(Reason.NodeLost, String.join(",", plan.lostNodes()), plan.message());
        metrics.replanned("NodeLost");
      }
      case MOVED -> {
        status.event(Reason.WorkerUnschedulable, plan.message(), plan.message());
        metrics.replanned("WorkerUnschedulable");
      }
      case GROWN -> {
        status.event(Reason.WorkersAdded, plan.message(), plan.message());
        metrics.replanned("CapacityAppeared");
      }
      case SHORT -> status.event(Reason.NodeLost, plan.message(), plan.message());
      default -> {
      }
    }
  }

  /**
   * Decides the plan. Serialised on the ledger: the inventory a job plans against already holds
   * every plan accepted before it, even those whose pods the cache does not show yet.
   */
  public Outcome plan(JobObservation obs, HeteroTrainingJobSpec spec) {
    synchronized (ledger) {
      Outcome outcome = decide(obs, spec);
      if (outcome.kind() == Kind.FRESH || outcome.kind() == Kind.REPLANNED || outcome.kind() == Kind.MOVED
          || outcome.kind() == Kind.GROWN) {
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
    Optional<java.time.Instant> recheckAt = earliest(health.recheckAt(), stuck.recheckAt());
    if (mayGrow(obs, spec, previous) && recheckAt.isEmpty()) {
      Optional<Outcome> grown = grow(obs, spec, previous);
      if (grown.isPresent()) {
        return grown.get();
      }
    }
    return new Outcome(Kind.KEPT, previous, "", Set.of(), recheckAt);
  }

  /**
   * An elastic job may grow once it trains: unqueued (Kueue admits a pod group whole), without
   * asyncSAM pairs (the trainer keeps their membership fixed), Running, and every worker of its plan
   * has a running pod. The last part keeps growths from piling up while the previous one's workers
   * start, and holds on kwok nodes too, where pods run but no trainer does. The caller adds: no node
   * of the plan lost or NotReady, no worker refused by the scheduler.
   */
  static boolean mayGrow(JobObservation obs, HeteroTrainingJobSpec spec, List<PlannedWorker> previous) {
    return spec.runPolicy() != null && Boolean.TRUE.equals(spec.runPolicy().elastic()) && !KueuePodGroup.queued(obs.job())
        && !PodTemplateHash.fixedMembership(previous) && obs.previousPhase() == JobPhase.Running
        && previous.stream().allMatch(w -> {
          WorkerPodState pod = obs.podsByWorker().get(w.worker());
          return pod != null && pod.kind() == WorkerPodState.Kind.RUNNING;
        });
  }

  /**
   * Places the workers the auto pools lack (up to maxReplicas) on what the running workers leave
   * free, sizes the whole new world ({@link ElasticGrowth}), and keeps the answer only when it adds
   * workers and moves or drops none: growth never restarts anyone, and with no room left the plan
   * stands, so an unchanged cluster never flaps.
   */
  private Optional<Outcome> grow(JobObservation obs, HeteroTrainingJobSpec spec, List<PlannedWorker> previous) {
    Optional<List<PlannedWorker>> sized;
    try {
      sized = ElasticGrowth.grow(planner, obs.name(), spec, previous, inventory(obs, Set.of()));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a quantity the planner cannot read: planFresh reports it
    }
    if (sized.isEmpty()) {
      return Optional.empty();
    }
    return grown(obs.name(), previous, sized.get())
        .map(workers -> new Outcome(Kind.GROWN, workers, growthMessage(previous, workers), Set.of(), Optional.empty()));
  }

  /** The fresh plan resized onto the running workers, when that adds workers and keeps every one where it runs. */
  static Optional<List<PlannedWorker>> grown(String job, List<PlannedWorker> previous, List<PlannedWorker> fresh) {
    if (fresh.size() <= previous.size()) {
      return Optional.empty();
    }
    Optional<List<PlannedWorker>> resized = PlanStabilizer.resize(job, previous, Set.of(), fresh);
    if (resized.isEmpty()) {
      return Optional.empty();
    }
    Map<String, PlannedWorker> after = byName(resized.get(), PlannedWorker::worker);
    boolean everyoneStays = previous.stream()
        .allMatch(w -> after.containsKey(w.worker()) && after.get(w.worker()).node().equals(w.node()));
    return everyoneStays ? resized : Optional.empty();
  }

  /** "pool cpu grew from 1 to 3 workers: cpu-node-2, cpu-node-3 have room", per pool that grew. */
  static String growthMessage(List<PlannedWorker> before, List<PlannedWorker> after) {
    Set<String> old = before.stream().map(PlannedWorker::worker).collect(Collectors.toSet());
    Map<String, Long> counts = before.stream().collect(Collectors.groupingBy(PlannedWorker::pool, Collectors.counting()));
    Map<String, List<PlannedWorker>> added = after.stream().filter(w -> !old.contains(w.worker()))
        .collect(Collectors.groupingBy(PlannedWorker::pool, TreeMap::new, Collectors.toList()));
    return added.entrySet().stream().map(e -> {
      long from = counts.getOrDefault(e.getKey(), 0L);
      List<String> nodes = e.getValue().stream().map(PlannedWorker::node).distinct().sorted().toList();
      return "pool " + e.getKey() + " grew from " + from + " to " + (from + e.getValue().size()) + " workers: "
          + String.join(", ", nodes) + (nodes.size() == 1 ? " has" : " have") + " room";
    }).collect(Collectors.joining("; "));
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
      Optional<PlannedWorker> rank0 = previous.stream().filter(w -> w.rank() == 0).findFirst();
      if (rank0.isPresent() && !health.lost().contains(rank0.get().node())) {
        // The coordinator stands and trains with the others: keep the plan (Running, Degraded), try again soon.
        return new Outcome(Kind.SHORT, previous, "node(s) " + health.lost() + " lost; their workers fit nowhere else ("
            + any.message() + "); the other workers keep training", Set.of(),
            Optional.of(obs.now().plus(config.unschedulableRetry())));
      }
      return any;
    }
    // Auto pools shrunk (or grown) to what fits: the survivors keep running when the coordinator stays where it is
    // (not with asyncSAM pairs: their membership is fixed, every pod is recreated).
    Optional<List<PlannedWorker>> resized = PodTemplateHash.fixedMembership(previous) ? Optional.empty()
        : PlanStabilizer.resize(obs.name(), previous, health.lost(), any.workers());
    return new Outcome(Kind.REPLANNED, resized.orElse(any.workers()), "node(s) " + health.lost() + " lost; "
        + (resized.isPresent() ? resizeMessage(previous, resized.get()) : "planned every worker again"),
        health.lost(), health.recheckAt());
  }

  /** "pool cpu 3 -> 2 workers; the other workers keep running", naming the pools whose size changed. */
  static String resizeMessage(List<PlannedWorker> before, List<PlannedWorker> after) {
    Map<String, Long> from = before.stream().collect(Collectors.groupingBy(PlannedWorker::pool, TreeMap::new,
        Collectors.counting()));
    Map<String, Long> to = after.stream().collect(Collectors.groupingBy(PlannedWorker::pool, Collectors.counting()));
    String pools = from.entrySet().stream().filter(e -> !e.getValue().equals(to.getOrDefault(e.getKey(), 0L)))
        .map(e -> "pool " + e.getKey() + " " + e.getValue() + " -> " + to.getOrDefault(e.getKey(), 0L) + " workers")
        .collect(Collectors.joining(", "));
    return (pools.isEmpty() ? "moved their workers" : pools) + "; the other workers keep running";
  }

  private Outcome planFresh(JobObservation obs, HeteroTrainingJobSpec spec, Set<String> excluded, Kind kind) {
    PlanResult result = plan(obs, spec, inventory(obs, excluded));
    if (result instanceof PlanResult.Placed placed) {
      return new Outcome(kind, placed.workers(), String.join("; ", placed.reasons()), excluded, Optional.empty());
    }
    PlanResult.Unplaceable u = (PlanResult.Unplaceable) result;
    // Why GPUs published through DRA were not counted (a pool being republished, MIG devices) is part of the answer.
    String dra = spec.pools().stream().anyMatch(PoolSpec::claimsDevices) && !obs.devices().notes().isEmpty()
        ? " (DRA: " + String.join("; ", obs.devices().notes()) + ")" : "";
    return new Outcome(Kind.UNSCHEDULABLE, List.of(), u.summary() + dra, excluded, Optional.empty());
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
    return ReservedCapacity.subtract(NodeInventoryBuilder.build(obs.nodes(), obs.allPods(), uid, excluded, obs.devices()),
        ledger.snapshot(), obs.allPods(), uid, obs.now());
  }

  static HeteroTrainingJobSpec withReplicas(HeteroTrainingJobSpec spec, List<PlannedWorker> plan) {
    Map<String, Long> counts = plan.stream().collect(Collectors.groupingBy(PlannedWorker::pool, Collectors.counting()));
    List<PoolSpec> pools = spec.pools().stream().map(p -> {
      int n = counts.getOrDefault(p.name(), 0L).intValue();
      return new PoolSpec(p.name(), p.deviceClass(), n, Math.min(n, p.minReplicas()), Math.max(n, p.maxReplicas()),
          p.gpusPerWorker(), p.cpusPerWorker(), p.capacityPerWorker(), p.simulatedSlowdown(), p.nodeSelector(),
          p.tolerations(), p.resources(), p.image(), p.deviceFallback(), p.deviceClaim());
    }).toList();
    return new HeteroTrainingJobSpec(spec.model(), spec.dataset(), spec.training(), spec.allocation(), spec.sampling(),
        spec.aggregation(), pools, spec.runPolicy(), spec.checkpoint());
  }

  static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    return items.stream().collect(Collectors.toMap(name, Function.identity(), (a, b) -> a));
  }
}
