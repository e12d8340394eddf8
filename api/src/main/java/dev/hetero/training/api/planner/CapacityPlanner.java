package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.CapacitySource;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.api.validation.SpecDefaults;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides which workers run where, with which batch, local steps and aggregation weight.
 * Pure and deterministic: the same spec and nodes, in any order, give the same plan.
 *
 * <ol>
 *   <li>place: per pool in spec order, fastest eligible nodes first, one worker per
 *       gpusPerWorker GPUs (GPU pools) or cpusPerWorker cores, within free resources;</li>
 *   <li>size: batches proportional to capacity within bounds (global batch) or one base batch,
 *       then local steps so that rounds take equal time;</li>
 *   <li>weigh: aggregation weights from the work each worker does per round, as the algorithm
 *       averages ({@link AlgorithmRules}), and the sampling and update rule each worker applies;</li>
 *   <li>pair (asyncSAM only): the helper pool's workers take no part in steps 2-3; each is paired
 *       with one training worker ({@link AscentPairing}) and ranked after all of them.</li>
 * </ol>
 * The result is exactly what the trainer runs: nothing downstream re-derives it.
 */
public final class CapacityPlanner {
  /** Most reasons kept in a plan, so a 10,000-node cluster does not flood status or events. */
  static final int MAX_REASONS = 40;

  private final PlannerConfig config;

  public CapacityPlanner(PlannerConfig config) {
    this.config = config;
  }

  public PlanResult plan(String jobName, HeteroTrainingJobSpec rawSpec, List<NodeInfo> inventory) {
    HeteroTrainingJobSpec spec = SpecDefaults.apply(rawSpec);
    List<String> reasons = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Map<String, NodeResources> free = freeResources(inventory, reasons);
    Map<String, NodeInfo> byName = byName(inventory);

    List<Slot> slots = new ArrayList<>();
    for (PoolSpec pool : spec.pools()) {
      placePool(pool, byName, free, slots, missing, reasons);
    }
    if (!missing.isEmpty()) {
      return new PlanResult.Unplaceable(missing, bounded(reasons));
    }
    if (slots.isEmpty()) {
      return new PlanResult.Unplaceable(List.of("no workers to place: every pool asks for 0 replicas"), bounded(reasons));
    }
    String helperPool = AlgorithmRules.helperPool(spec);
    List<Slot> training = slots.stream().filter(s -> !s.pool().name().equals(helperPool)).toList();
    if (training.isEmpty()) {
      return new PlanResult.Unplaceable(List.of("no training workers: every placed worker is in the asyncSAM helper pool "
          + helperPool), bounded(reasons));
    }
    PlanResult sized = size(jobName, spec, training, reasons);
    if (helperPool == null || !(sized instanceof PlanResult.Placed placed)) {
      return sized;
    }
    List<PlannedWorker> helpers = new ArrayList<>();
    for (Slot slot : slots.stream().filter(s -> s.pool().name().equals(helperPool)).toList()) {
      helpers.add(new PlannedWorker(workerName(jobName, helperPool, slot.index()), training.size() + helpers.size(),
          slot.node().name(), helperPool, slot.pool().deviceClass(), round6(slot.capacity()), null, null, null, WorkerRole.HELPER,
          null, slowdown(slot.pool())).withDeviceFallback(slot.pool().deviceFallback()));
    }
    List<PlannedWorker> paired = AscentPairing.pair(spec.training().optimizer().asyncSAM(), placed.workers(), helpers, reasons);
    return new PlanResult.Placed(paired, bounded(reasons));
  }

  private static Double slowdown(PoolSpec pool) {
    return pool.simulatedSlowdown() == null || pool.simulatedSlowdown() == 1.0 ? null : pool.simulatedSlowdown();
  }

  /**
   * Sizes workers whose nodes are already known (pods bound by the scheduler after Kueue admitted
   * them): each worker's capacity comes from its node exactly as in {@link #plan}, then batches,
   * local steps and weights are derived as for a fresh plan. Placement is not checked (the
   * scheduler placed them). Ranks follow the pools' order in the spec, then the index, as in
   * {@link #plan}, so a worker keeps the rank its pod was created with.
   */
  public PlanResult sizeBound(String jobName, HeteroTrainingJobSpec rawSpec, List<BoundWorker> bound) {
    HeteroTrainingJobSpec spec = SpecDefaults.apply(rawSpec);
    List<String> reasons = new ArrayList<>();
    List<String> ignoredLabels = new ArrayList<>();
    Map<String, String> sources = new LinkedHashMap<>();
    List<String> poolOrder = spec.pools().stream().map(PoolSpec::name).toList();
    List<Slot> slots = new ArrayList<>();
    for (BoundWorker w : bound.stream().sorted(Comparator.comparingInt((BoundWorker b) -> poolOrder.indexOf(b.pool()))
        .thenComparingInt(BoundWorker::index)).toList()) {
      PoolSpec pool = spec.pools().stream().filter(p -> p.name().equals(w.pool())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("worker " + workerName(jobName, w.pool(), w.index())
              + " names unknown pool " + w.pool()));
      WorkerCapacity capacity = WorkerCapacity.of(w.node(), pool, config, ignoredLabels);
      slots.add(new Slot(pool, w.index(), w.node(), capacity.value()));
      sources.putIfAbsent(pool.name() + " on node " + w.node().name(), capacity.source());
    }
    reasons.addAll(ignoredLabels.stream().distinct().toList());
    sources.forEach((where, source) -> reasons.add("pool " + where + ": capacity from " + source + " (bound by the scheduler)"));
    if (slots.isEmpty()) {
      return new PlanResult.Unplaceable(List.of("no bound workers to size"), bounded(reasons));
    }
    return size(jobName, spec, slots, reasons);
  }

  /** One placed worker before sizing. */
  private record Slot(PoolSpec pool, int index, NodeInfo node, double capacity) {
  }

  private static Map<String, NodeInfo> byName(List<NodeInfo> inventory) {
    Map<String, NodeInfo> byName = new TreeMap<>();
    for (NodeInfo node : inventory) {
      byName.putIfAbsent(node.name(), node);
    }
    return byName;
  }

  private static Map<String, NodeResources> freeResources(List<NodeInfo> inventory, List<String> reasons) {
    Map<String, NodeResources> free = new TreeMap<>();
    for (NodeInfo node : inventory.stream().sorted(Comparator.comparing(NodeInfo::name)).toList()) {
      if (free.putIfAbsent(node.name(), node.free()) != null) {
        reasons.add("node " + node.name() + " listed twice; the first entry is used");
      }
    }
    return free;
  }

  private void placePool(PoolSpec pool, Map<String, NodeInfo> nodes, Map<String, NodeResources> free,
      List<Slot> slots, List<String> missing, List<String> reasons) {
    NodeResources demand = WorkerDemand.of(pool);
    int wanted = pool.replicas() != null ? pool.replicas() : pool.maxReplicas();
    int needed = pool.replicas() != null ? pool.replicas() : pool.minReplicas();
    if (wanted == 0) {
      return;
    }
    Map<String, Integer> rejected = new TreeMap<>();
    List<Candidate> candidates = new ArrayList<>();
    List<String> ignoredLabels = new ArrayList<>();
    for (NodeInfo node : nodes.values()) {
      var whyNot = NodeEligibility.whyNot(node, pool);
      if (whyNot.isPresent()) {
        rejected.merge(whyNot.get(), 1, Integer::sum);
        continue;
      }
      candidates.add(new Candidate(node, WorkerCapacity.of(node, pool, config, ignoredLabels)));
    }
    reasons.addAll(ignoredLabels);
    // Fastest nodes first, so an auto pool capped by maxReplicas keeps the best hardware.
    candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.capacity.value()).thenComparing(c -> c.node.name()));

    int placed = 0;
    Map<String, String> sources = new LinkedHashMap<>();
    for (Candidate candidate : candidates) {
      while (placed < wanted && fits(free.get(candidate.node.name()), demand)) {
        free.put(candidate.node.name(), free.get(candidate.node.name()).minus(demand));
        slots.add(new Slot(pool, placed, candidate.node, candidate.capacity.value()));
        sources.putIfAbsent(candidate.node.name(), candidate.capacity.source());
        placed++;
      }
      if (placed == wanted) {
        break;
      }
    }
    sources.forEach((node, source) -> reasons.add("pool " + pool.name() + " on node " + node + ": capacity from " + source));
    if (placed < needed) {
      missing.add(describeShortfall(pool, demand, needed, placed, candidates.size(), rejected));
    }
  }

  private record Candidate(NodeInfo node, WorkerCapacity capacity) {
  }


  private static boolean fits(NodeResources free, NodeResources demand) {
    return free.covers(demand);
  }

  private static String describeShortfall(PoolSpec pool, NodeResources demand, int needed, int placed, int eligible,
      Map<String, Integer> rejected) {
    StringBuilder s = new StringBuilder("pool ").append(pool.name()).append(" needs ").append(needed)
        .append(needed == 1 ? " worker" : " workers").append(" of ");
    if (pool.claimsDevices()) {
      s.append(demand.claimableGpus()).append(" GPU claimed through DRA + ");
    } else if (pool.deviceClass() == DeviceClass.GPU) {
      s.append(demand.gpus()).append(" nvidia.com/gpu + ");
    }
    s.append(demand.cpuMillis() / 1000.0).append(" cpu");
    if (demand.memoryBytes() > 0) {
      s.append(" + ").append(demand.memoryBytes()).append(" bytes memory");
    }
    s.append(" but only ").append(placed).append(" fit: ").append(eligible).append(" eligible node(s)");
    rejected.forEach((why, count) -> s.append(", ").append(count).append(" node(s) rejected (").append(why).append(")"));
    return s.toString();
  }

  private PlanResult size(String jobName, HeteroTrainingJobSpec spec, List<Slot> slots, List<String> reasons) {
    AllocationSpec allocation = spec.allocation();
    int n = slots.size();
    double[] capacity = new double[n];
    DeviceClass[] classes = new DeviceClass[n];
    for (int i = 0; i < n; i++) {
      capacity[i] = allocation.capacitySource() == CapacitySource.UNIFORM ? 1.0 : slots.get(i).capacity();
      classes[i] = slots.get(i).pool().deviceClass();
    }
    int min = allocation.minBatchPerWorker();
    int max = allocation.maxBatchPerWorker();
    if (spec.training().batch().global() != null) {
      long global = spec.training().batch().global();
      if (!BatchAllocator.feasible(global, n, min, max)) {
        return new PlanResult.Unplaceable(List.of("spec.training.batch.global " + global + " cannot be split among " + n
            + " workers within [" + min + ", " + max + "] (spec.allocation.minBatchPerWorker/maxBatchPerWorker)"),
            bounded(reasons));
      }
    } else if (WorkSizing.perWorkerBatch(spec) != spec.training().batch().perWorker()) {
      reasons.add("spec.training.batch.perWorker " + spec.training().batch().perWorker() + " clamped to "
          + WorkSizing.perWorkerBatch(spec));
    }
    WorkSizing.Sized sized;
    try {
      sized = WorkSizing.of(spec, capacity, classes);
    } catch (IllegalArgumentException e) {
      return new PlanResult.Unplaceable(List.of(e.getMessage()), bounded(reasons));
    }
    // asyncSAM's training workers start as sgd; AscentPairing switches the ones that get a helper.
    OptimizerMethod method = AlgorithmRules.optimizer(spec) == OptimizerMethod.SAM ? OptimizerMethod.SAM : OptimizerMethod.SGD;
    List<PlannedWorker> workers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Slot slot = slots.get(i);
      WorkerRole role = sized.roles()[i];
      workers.add(new PlannedWorker(workerName(jobName, slot.pool().name(), slot.index()), i, slot.node().name(),
          slot.pool().name(), slot.pool().deviceClass(), round6(capacity[i]), sized.batch()[i], sized.localSteps()[i],
          round6(sized.weights()[i]), role, AlgorithmRules.sampling(spec, role), slowdown(slot.pool())).withOptimizer(method, null)
          .withDeviceFallback(slot.pool().deviceFallback()));
    }
    return new PlanResult.Placed(workers, bounded(reasons));
  }

  /** Pod name of a worker: {@code <job>-<pool>-<index>}. */
  public static String workerName(String jobName, String pool, int index) {
    return jobName + "-" + pool + "-" + index;
  }

  /** Six decimals are plenty for status and keep plans byte-stable across platforms. */
  static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  private static List<String> bounded(List<String> reasons) {
    if (reasons.size() <= MAX_REASONS) {
      return reasons;
    }
    List<String> kept = new ArrayList<>(reasons.subList(0, MAX_REASONS));
    kept.add("... and " + (reasons.size() - MAX_REASONS) + " more");
    return kept;
  }
}
