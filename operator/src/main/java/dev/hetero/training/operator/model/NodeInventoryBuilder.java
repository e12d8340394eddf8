package dev.hetero.training.operator.model;

import dev.hetero.training.api.planner.DraGpus;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.operator.devices.DraView;
import dev.hetero.training.api.planner.NodeResources;
import dev.hetero.training.api.planner.NodeTaint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Nodes and Pods into the planner's view: allocatable resources minus what pods other than
 * the job's own already request. The job's own pods are left out so that planning the same job
 * twice on an unchanged cluster gives the same plan (its pods do not crowd out its own plan).
 */
public final class NodeInventoryBuilder {
  private NodeInventoryBuilder() {
  }

  /**
   * @param excludedPodOwnerUid UID of the job whose pods do not count (may be null)
   * @param excludedNodes nodes the planner must not use (lost nodes)
   */
  public static List<NodeInfo> build(Collection<Node> nodes, Collection<Pod> pods, String excludedPodOwnerUid,
      Set<String> excludedNodes) {
    return build(nodes, pods, excludedPodOwnerUid, excludedNodes, DraView.NONE);
  }

  /** As above, with the GPUs that DRA drivers publish for each node (claimable devices and their facts). */
  public static List<NodeInfo> build(Collection<Node> nodes, Collection<Pod> pods, String excludedPodOwnerUid,
      Set<String> excludedNodes, DraView devices) {
    Map<String, NodeResources> requested = new HashMap<>();
    for (Pod pod : pods) {
      if (isTerminal(pod) || ownedBy(pod, excludedPodOwnerUid)) {
        continue;
      }
      PodResources.pinnedNode(pod).ifPresent(node -> requested.merge(node, PodResources.requests(pod), NodeResources::plus));
    }
    List<NodeInfo> inventory = new ArrayList<>();
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      if (excludedNodes.contains(name) || node.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      NodeInfo info = new NodeInfo(name, node.getMetadata().getLabels(), allocatable(node),
          requested.getOrDefault(name, NodeResources.NONE), schedulable(node), taints(node));
      DraGpus.NodeGpus gpus = devices.gpusByNode().get(name);
      inventory.add(gpus == null ? info : info.withDraGpus(gpus));
    }
    return inventory;
  }

  static NodeResources allocatable(Node node) {
    Map<String, Quantity> alloc = node.getStatus() == null || node.getStatus().getAllocatable() == null
        ? Map.of() : node.getStatus().getAllocatable();
    Pod fake = new io.fabric8.kubernetes.api.model.PodBuilder().withNewSpec().addNewContainer()
        .withNewResources().withRequests(alloc).endResources().endContainer().endSpec().build();
    return PodResources.requests(fake);
  }

  /** Accepts new pods: not cordoned and Ready. */
  public static boolean schedulable(Node node) {
    boolean cordoned = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    return !cordoned && NodeHealth.isReady(node);
  }

  static List<NodeTaint> taints(Node node) {
    if (node.getSpec() == null || node.getSpec().getTaints() == null) {
      return List.of();
    }
    return node.getSpec().getTaints().stream().map(t -> new NodeTaint(t.getKey(), t.getValue(), t.getEffect())).toList();
  }

  static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static boolean ownedBy(Pod pod, String uid) {
    return uid != null && pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
  }
}
