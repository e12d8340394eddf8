package dev.hetero.training.operator.model;

import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.NodeResources;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Takes other jobs' outstanding reservations off the planner's inventory. */
public final class ReservedCapacity {
  private ReservedCapacity() {
  }

  /**
   * A reservation counts while it has not expired, belongs to another job, and its pod is not yet
   * visible pinned to its node (once visible, the inventory already counts the pod itself).
   */
  public static List<NodeInfo> subtract(List<NodeInfo> inventory, Collection<Reservation> reservations,
      Collection<Pod> visiblePods, String planningJobUid, Instant now) {
    Set<String> visible = new HashSet<>();
    for (Pod pod : visiblePods) {
      PodResources.pinnedNode(pod).ifPresent(node ->
          visible.add(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "@" + node));
    }
    Map<String, NodeResources> held = new HashMap<>();
    for (Reservation r : reservations) {
      if (r.expires().isBefore(now) || r.jobUid().equals(planningJobUid)
          || visible.contains(r.namespace() + "/" + r.pod() + "@" + r.node())) {
        continue;
      }
      held.merge(r.node(), r.resources(), NodeResources::plus);
    }
    if (held.isEmpty()) {
      return inventory;
    }
    return inventory.stream().map(n -> {
      NodeResources extra = held.get(n.name());
      return extra == null ? n : n.plusRequested(extra);
    }).toList();
  }
}
