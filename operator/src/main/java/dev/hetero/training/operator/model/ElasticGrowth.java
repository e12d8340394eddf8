package dev.hetero.training.operator.model;

import dev.hetero.training.api.planner.BoundWorker;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.WorkerDemand;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How an elastic job's auto pools grow (pure): the running workers stay exactly where they are
 * and hold what they use; the planner places only the workers that are missing up to each auto
 * pool's maxReplicas, on what is left; then the whole new world is sized as one plan (batches,
 * local steps, weights for every worker, old and new). A fresh plan of the whole job would not do:
 * it may put every worker on the biggest new node and so move the running ones.
 */
public final class ElasticGrowth {
  private ElasticGrowth() {
  }

  /**
   * @param inventory the nodes, with this job's own pods not counted (as the planner sees them)
   * @return the grown plan (running workers under their names, new ones at the pools' next free
   *     indices), or empty when no worker can be added
   */
  public static Optional<List<PlannedWorker>> grow(CapacityPlanner planner, String job, HeteroTrainingJobSpec spec,
      List<PlannedWorker> running, List<NodeInfo> inventory) {
    Map<String, Long> counts = running.stream().collect(Collectors.groupingBy(PlannedWorker::pool, Collectors.counting()));
    HeteroTrainingJobSpec missing = onlyMissing(spec, counts);
    if (missing.pools().stream().allMatch(p -> Integer.valueOf(0).equals(p.replicas()))) {
      return Optional.empty();
    }
    if (!(planner.plan(job, missing, occupied(spec, running, inventory)) instanceof PlanResult.Placed extra)
        || extra.workers().isEmpty()) {
      return Optional.empty();
    }
    Map<String, NodeInfo> nodes = inventory.stream().collect(Collectors.toMap(NodeInfo::name, n -> n, (a, b) -> a));
    List<BoundWorker> bound = new ArrayList<>();
    Map<String, Set<Integer>> used = new HashMap<>();
    for (PlannedWorker w : running) {
      int index = index(job, w);
      NodeInfo node = nodes.get(w.node());
      if (index < 0 || node == null) {
        return Optional.empty(); // a name of another scheme, or a node gone from the inventory: not a growth
      }
      used.computeIfAbsent(w.pool(), k -> new HashSet<>()).add(index);
      bound.add(new BoundWorker(w.pool(), index, node));
    }
    for (PlannedWorker w : extra.workers()) {
      Set<Integer> taken = used.computeIfAbsent(w.pool(), k -> new HashSet<>());
      int index = 0;
      while (taken.contains(index)) {
        index++;
      }
      taken.add(index);
      bound.add(new BoundWorker(w.pool(), index, nodes.get(w.node())));
    }
    if (!(planner.sizeBound(job, spec, bound) instanceof PlanResult.Placed sized)) {
      return Optional.empty();
    }
    return Optional.of(sized.workers());
  }

  /** The auto pools with room for more, each asking for at most what it lacks; every other pool asks for none. */
  static HeteroTrainingJobSpec onlyMissing(HeteroTrainingJobSpec spec, Map<String, Long> counts) {
    List<PoolSpec> pools = spec.pools().stream().map(p -> {
      int have = counts.getOrDefault(p.name(), 0L).intValue();
      int max = p.maxReplicas() == null ? Integer.parseInt(dev.hetero.training.api.v1alpha1.Defaults.MAX_REPLICAS) : p.maxReplicas();
      int room = p.replicas() == null ? Math.max(0, max - have) : 0;
      return new PoolSpec(p.name(), p.deviceClass(), room == 0 ? 0 : null, 0, room == 0 ? 1 : room, p.gpusPerWorker(),
          p.cpusPerWorker(), p.capacityPerWorker(), p.simulatedSlowdown(), p.nodeSelector(), p.tolerations(), p.resources(),
          p.image(), p.deviceFallback(), p.deviceClaim());
    }).toList();
    return new HeteroTrainingJobSpec(spec.model(), spec.dataset(), spec.training(), spec.allocation(), spec.sampling(),
        spec.aggregation(), pools, spec.runPolicy(), spec.checkpoint());
  }

  /** The inventory with each running worker's request held on its node. */
  static List<NodeInfo> occupied(HeteroTrainingJobSpec spec, List<PlannedWorker> running, List<NodeInfo> inventory) {
    Map<String, PoolSpec> pools = spec.pools().stream().collect(Collectors.toMap(PoolSpec::name, p -> p));
    return inventory.stream().map(n -> {
      NodeInfo out = n;
      for (PlannedWorker w : running) {
        if (w.node().equals(n.name()) && pools.containsKey(w.pool())) {
          out = out.plusRequested(WorkerDemand.of(pools.get(w.pool())));
        }
      }
      return out;
    }).toList();
  }

  /** The index in {@code <job>-<pool>-<index>}, or -1 for a name of another form. */
  static int index(String job, PlannedWorker w) {
    String prefix = CapacityPlanner.workerName(job, w.pool(), 0);
    prefix = prefix.substring(0, prefix.length() - 1);
    if (!w.worker().startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(w.worker().substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
