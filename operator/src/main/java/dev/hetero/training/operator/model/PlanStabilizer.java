package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
    Map<String, LinkedList<PlannedWorker>> slotsByPoolAndNode = new HashMap<>();
    Map<String, LinkedList<PlannedWorker>> slotsByPool = new HashMap<>();
    for (PlannedWorker slot : fresh) {
      slotsByPoolAndNode.computeIfAbsent(slot.pool() + "/" + slot.node(), k -> new LinkedList<>()).add(slot);
    }
    List<PlannedWorker> result = new ArrayList<>();
    List<PlannedWorker> moving = new ArrayList<>();
    List<PlannedWorker> used = new ArrayList<>();
    for (PlannedWorker old : previous.stream().sorted(Comparator.comparing(PlannedWorker::rank)).toList()) {
      if (lostNodes.contains(old.node())) {
        moving.add(old);
        continue;
      }
      LinkedList<PlannedWorker> slots = slotsByPoolAndNode.get(old.pool() + "/" + old.node());
      if (slots == null || slots.isEmpty()) {
        return Optional.empty();
      }
      PlannedWorker slot = slots.removeFirst();
      used.add(slot);
      result.add(renamed(slot, old));
    }
    for (LinkedList<PlannedWorker> rest : slotsByPoolAndNode.values()) {
      for (PlannedWorker slot : rest) {
        slotsByPool.computeIfAbsent(slot.pool(), k -> new LinkedList<>()).add(slot);
      }
    }
    slotsByPool.values().forEach(l -> l.sort(Comparator.comparing(PlannedWorker::rank)));
    for (PlannedWorker old : moving) {
      LinkedList<PlannedWorker> slots = slotsByPool.get(old.pool());
      if (slots == null || slots.isEmpty()) {
        return Optional.empty();
      }
      PlannedWorker slot = slots.removeFirst();
      used.add(slot);
      result.add(renamed(slot, old));
    }
    double weightSum = used.stream().mapToDouble(PlannedWorker::weight).sum();
    List<PlannedWorker> normalised = result.stream()
        .map(w -> withWeight(w, weightSum > 0 ? Math.round(w.weight() / weightSum * 1e6) / 1e6 : w.weight()))
        .sorted(Comparator.comparing(PlannedWorker::rank))
        .toList();
    return Optional.of(normalised);
  }

  /**
   * The fresh plan's slot under the old worker's name and rank: everything else (node, capacity,
   * work, role and the sampling that follows from the role) is the planner's new answer.
   */
  private static PlannedWorker renamed(PlannedWorker slot, PlannedWorker old) {
    return new PlannedWorker(old.worker(), old.rank(), slot.node(), slot.pool(), slot.deviceClass(), slot.capacity(),
        slot.batchSize(), slot.localSteps(), slot.weight(), slot.role(), slot.sampling(), slot.simulatedSlowdown())
        .withDeviceFallback(slot.deviceFallback());
  }

  private static PlannedWorker withWeight(PlannedWorker w, double weight) {
    return w.withWork(w.batchSize(), w.localSteps(), weight);
  }
}
