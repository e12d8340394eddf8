package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who stays, who joins and who leaves when a new plan version changes the workers of a running
 * job (pure). Workers are matched by name: a worker keeps whatever the run holds of it (its saved
 * optimizer state, its measured rate, its status row) under its new rank; a joining worker starts
 * with none; a leaving worker's share of the data goes to the others with the next shard plan.
 *
 * @param previousRank for each rank of the new plan, the same worker's rank in the old one (-1: it joins)
 * @param joined names new to the plan, by new rank
 * @param left names the new plan no longer has, by old rank
 */
public record Membership(int[] previousRank, List<String> joined, List<String> left) {

  public static Membership between(RunningPlan before, RunningPlan after) {
    Map<String, Integer> old = new HashMap<>();
    for (PlannedWorker w : before.workers()) {
      old.put(w.worker(), w.rank());
    }
    int[] previous = new int[after.size()];
    List<String> joined = new ArrayList<>();
    for (PlannedWorker w : after.workers()) {
      Integer was = old.remove(w.worker());
      previous[w.rank()] = was == null ? -1 : was;
      if (was == null) {
        joined.add(w.worker());
      }
    }
    List<String> left = before.workers().stream().map(PlannedWorker::worker).filter(old::containsKey).toList();
    return new Membership(previous, List.copyOf(joined), left);
  }

  /** Whether the workers are the same, at the same ranks. */
  public boolean unchanged() {
    if (!joined.isEmpty() || !left.isEmpty()) {
      return false;
    }
    for (int i = 0; i < previousRank.length; i++) {
      if (previousRank[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** One line for the log. */
  public String describe() {
    return (joined.isEmpty() ? "" : "joined " + joined) + (joined.isEmpty() || left.isEmpty() ? "" : ", ")
        + (left.isEmpty() ? "" : "left " + left) + (joined.isEmpty() && left.isEmpty() ? "ranks renumbered" : "");
  }
}
