package dev.hetero.training.operator.model;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a re-plan gentle. After a node is lost, the planner's fresh answer (same per-pool counts,
 * without the lost nodes) may number the workers differently; this maps it back so that every
 * surviving worker keeps its name, rank and node (its pod keeps running and picks up the new batch
 * size from the mounted plan) and only the lost workers move, each keeping its name and rank.
 * {@link #resize} does the same for a fresh plan with other per-pool counts (an auto pool that
 * shrank on a loss or grew into new capacity).
 */
public final class PlanStabilizer {
  private PlanStabilizer() {
  }

  /**
   * @return the stabilised plan, or empty when the fresh plan does not keep every survivor on its
   *     node (then the caller adopts the fresh plan and the affected pods are recreated)
   */
  public static Optional<List<PlannedWorker>> stabilize(List<PlannedWorker> previous, Set<String> lostNodes,
      List<PlannedWorker> fresh) {
    Slots slots = new Slots(fresh);
    List<PlannedWorker> moving = new ArrayList<>();
    Map<PlannedWorker, PlannedWorker> taken = new LinkedHashMap<>();
    for (PlannedWorker old : byRank(previous)) {
      if (lostNodes.contains(old.node())) {
        moving.add(old);
        continue;
      }
      Optional<PlannedWorker> slot = slots.onNode(old);
      if (slot.isEmpty()) {
        return Optional.empty();
      }
      taken.put(old, slot.get());
    }
    for (PlannedWorker old : moving) {
      Optional<PlannedWorker> slot = slots.inPool(old.pool());
      if (slot.isEmpty()) {
        return Optional.empty();
      }
      taken.put(old, slot.get());
    }
    Map<String, String> names = new HashMap<>();
    taken.forEach((old, slot) -> names.put(slot.worker(), old.worker()));
    double weightSum = weightSum(taken.values());
    return Optional.of(byRank(taken.entrySet().stream()
        .map(e -> assigned(e.getValue(), e.getKey().worker(), e.getKey().rank(), names, weightSum)).toList()));
  }

  /**
   * Maps a fresh plan whose per-pool counts may differ from the previous plan's onto the workers
   * that run. Every previous worker off the lost nodes keeps its name and node when the fresh plan
   * has a slot of its pool there (taking that slot's work); the others (lost nodes' workers, and
   * survivors the fresh plan placed elsewhere) move to a free slot of their pool, or are dropped
   * when the pool has none left (it shrank). Slots left over become new workers, named at the
   * pool's lowest index no previous or kept worker uses (it grew). Rank 0 keeps rank 0; the others
   * are numbered 1..n-1 in their previous order, new workers after them, asyncSAM helpers last
   * (training workers come first in every plan). Weights are renormalised over the result.
   *
   * @param job the job's name, for new workers' names
   * @return the resized plan, with as many workers per pool as {@code fresh}; empty when rank 0
   *     cannot stay where it is (its node lost, or the fresh plan has no slot of its pool there):
   *     the coordinator moves, every worker reconnects, and the caller may as well adopt the fresh plan
   */
  public static Optional<List<PlannedWorker>> resize(String job, List<PlannedWorker> previous, Set<String> lostNodes,
      List<PlannedWorker> fresh) {
    Slots slots = new Slots(fresh);
    Map<PlannedWorker, PlannedWorker> taken = new LinkedHashMap<>();
    List<PlannedWorker> moving = new ArrayList<>();
    for (PlannedWorker old : byRank(previous)) {
      Optional<PlannedWorker> slot = lostNodes.contains(old.node()) ? Optional.empty() : slots.onNode(old);
      if (slot.isPresent()) {
        taken.put(old, slot.get());
      } else if (old.rank() == 0) {
        return Optional.empty();
      } else {
        moving.add(old);
      }
    }
    for (PlannedWorker old : moving) {
      slots.inPool(old.pool()).ifPresent(slot -> taken.put(old, slot));
    }
    Set<String> usedNames = new HashSet<>();
    previous.forEach(w -> usedNames.add(w.worker()));
    Map<String, String> names = new HashMap<>();
    taken.forEach((old, slot) -> names.put(slot.worker(), old.worker()));
    // Previous workers first in their rank order (rank 0 first), then the new ones in the planner's order.
    List<PlannedWorker> order = new ArrayList<>(byRank(previous).stream().filter(taken::containsKey).map(taken::get).toList());
    for (PlannedWorker slot : slots.left()) {
      String name = freeName(job, slot.pool(), usedNames);
      usedNames.add(name);
      names.put(slot.worker(), name);
      order.add(slot);
    }
    List<PlannedWorker> ranked = new ArrayList<>(order.stream().filter(s -> !s.helper()).toList());
    ranked.addAll(order.stream().filter(PlannedWorker::helper).toList());
    double weightSum = weightSum(ranked);
    List<PlannedWorker> result = new ArrayList<>();
    for (PlannedWorker slot : ranked) {
      result.add(assigned(slot, names.get(slot.worker()), result.size(), names, weightSum));
    }
    return Optional.of(result);
  }

  /** The pool's lowest-numbered worker name not in use. */
  private static String freeName(String job, String pool, Set<String> used) {
    int index = 0;
    while (used.contains(CapacityPlanner.workerName(job, pool, index))) {
      index++;
    }
    return CapacityPlanner.workerName(job, pool, index);
  }

  /** The fresh plan's slots, taken one by one: first those on a worker's own node, then any of its pool. */
  private static final class Slots {
    private final Map<String, LinkedList<PlannedWorker>> byPoolAndNode = new LinkedHashMap<>();

    Slots(List<PlannedWorker> fresh) {
      for (PlannedWorker slot : byRank(fresh)) {
        byPoolAndNode.computeIfAbsent(slot.pool() + "/" + slot.node(), k -> new LinkedList<>()).add(slot);
      }
    }

    Optional<PlannedWorker> onNode(PlannedWorker worker) {
      LinkedList<PlannedWorker> here = byPoolAndNode.get(worker.pool() + "/" + worker.node());
      return here == null || here.isEmpty() ? Optional.empty() : Optional.of(here.removeFirst());
    }

    /** The pool's free slot the planner ranked first. */
    Optional<PlannedWorker> inPool(String pool) {
      Optional<PlannedWorker> first = left().stream().filter(s -> s.pool().equals(pool)).findFirst();
      first.ifPresent(s -> byPoolAndNode.get(s.pool() + "/" + s.node()).remove(s));
      return first;
    }

    List<PlannedWorker> left() {
      return byRank(byPoolAndNode.values().stream().flatMap(List::stream).toList());
    }
  }

  private static List<PlannedWorker> byRank(List<PlannedWorker> workers) {
    return workers.stream().sorted(Comparator.comparing(PlannedWorker::rank)).toList();
  }

  /**
   * The fresh plan's slot under the worker's name and rank: everything else (node, capacity, work,
   * role and the sampling that follows from it, the update rule) is the planner's new answer. An
   * asyncSAM pair names its partner by the planner's name, which is mapped to the partner's. The
   * weight is renormalised over the slots taken ({@code weightSum}), so the weights still sum to 1.
   */
  private static PlannedWorker assigned(PlannedWorker slot, String name, int rank, Map<String, String> names,
      double weightSum) {
    Double weight = slot.weight() == null || weightSum <= 0 ? slot.weight() : Math.round(slot.weight() / weightSum * 1e6) / 1e6;
    return new PlannedWorker(name, rank, slot.node(), slot.pool(), slot.deviceClass(), slot.capacity(), slot.batchSize(),
        slot.localSteps(), weight, slot.role(), slot.sampling(), slot.simulatedSlowdown(), slot.optimizer(),
        partner(slot.ascentHelper(), names), partner(slot.ascentFor(), names), slot.perturbationBatchAuto(),
        slot.deviceFallback());
  }

  private static double weightSum(Collection<PlannedWorker> slots) {
    return slots.stream().mapToDouble(w -> w.weight() == null ? 0 : w.weight()).sum();
  }

  private static String partner(String freshName, Map<String, String> names) {
    return freshName == null ? null : names.get(freshName);
  }
}
