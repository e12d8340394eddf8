package dev.hetero.training.api.planner;

import java.util.List;
import java.util.Map;

/**
 * What the planner knows of one node: labels, allocatable resources, what pods other than
 * this job's already request, whether it accepts new pods, its taints, and the facts of its GPUs
 * when a DRA driver publishes them in ResourceSlices (null otherwise).
 */
public record NodeInfo(
    String name,
    Map<String, String> labels,
    NodeResources allocatable,
    NodeResources requested,
    boolean schedulable,
    List<NodeTaint> taints,
    GpuFacts gpuFacts) {

  public NodeInfo {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    taints = taints == null ? List.of() : List.copyOf(taints);
    requested = requested == null ? NodeResources.NONE : requested;
  }

  /** A node without DRA device facts. */
  public NodeInfo(String name, Map<String, String> labels, NodeResources allocatable, NodeResources requested,
      boolean schedulable, List<NodeTaint> taints) {
    this(name, labels, allocatable, requested, schedulable, taints, null);
  }

  public NodeResources free() {
    return allocatable.minus(requested);
  }

  /** This node with the GPUs its ResourceSlices publish: claimable devices, those already allocated elsewhere, facts. */
  public NodeInfo withDraGpus(DraGpus.NodeGpus gpus) {
    return new NodeInfo(name, labels, allocatable.withClaimableGpus(gpus.total()),
        requested.withClaimableGpus(gpus.allocatedElsewhere()), schedulable, taints, gpus.facts());
  }

  /** With other pods' requests added. */
  public NodeInfo plusRequested(NodeResources extra) {
    return new NodeInfo(name, labels, allocatable, requested.plus(extra), schedulable, taints, gpuFacts);
  }
}
