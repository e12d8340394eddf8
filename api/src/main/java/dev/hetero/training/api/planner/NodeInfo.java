package dev.hetero.training.api.planner;

import java.util.List;
import java.util.Map;

/**
 * What the planner knows of one node: labels, allocatable resources, what pods other than
 * this job's already request, whether it accepts new pods, and its taints.
 */
public record NodeInfo(
    String name,
    Map<String, String> labels,
    NodeResources allocatable,
    NodeResources requested,
    boolean schedulable,
    List<NodeTaint> taints) {

  public NodeInfo {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    taints = taints == null ? List.of() : List.copyOf(taints);
    requested = requested == null ? NodeResources.NONE : requested;
  }

  public NodeResources free() {
    return allocatable.minus(requested);
  }
}
