package dev.hetero.training.operator.model;

import dev.hetero.training.api.planner.NodeResources;
import dev.hetero.training.api.planner.WorkerDemand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads what a pod asks of its node, and which node it is (or will be) on. */
public final class PodResources {
  public static final String GPU = "nvidia.com/gpu";

  private PodResources() {
  }

  /** Sum of the containers' requests (limits stand in for extended resources without a request). */
  public static NodeResources requests(Pod pod) {
    NodeResources total = NodeResources.NONE;
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return total;
    }
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getResources() == null) {
        continue;
      }
      Map<String, Quantity> req = c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
      Map<String, Quantity> lim = c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
      long cpu = req.containsKey("cpu") ? safeMillis(req.get("cpu")) : 0;
      long mem = req.containsKey("memory") ? safeBytes(req.get("memory")) : 0;
      Quantity gpuQ = req.getOrDefault(GPU, lim.get(GPU));
      long gpu = gpuQ == null ? 0 : safeBytes(gpuQ);
      total = total.plus(new NodeResources(cpu, mem, gpu));
    }
    return total;
  }

  /**
   * The node a pod occupies: its binding, or else the single node its required affinity pins it
   * to. Worker pods of other jobs that are not yet bound are thereby counted against their node.
   */
  public static Optional<String> pinnedNode(Pod pod) {
    if (pod.getSpec() == null) {
      return Optional.empty();
    }
    if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
      return Optional.of(pod.getSpec().getNodeName());
    }
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return Optional.empty();
    }
    List<NodeSelectorTerm> terms = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms();
    if (terms == null || terms.size() != 1 || terms.get(0).getMatchFields() == null) {
      return Optional.empty();
    }
    for (NodeSelectorRequirement r : terms.get(0).getMatchFields()) {
      if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator()) && r.getValues() != null
          && r.getValues().size() == 1) {
        return Optional.of(r.getValues().get(0));
      }
    }
    return Optional.empty();
  }

  private static long safeMillis(Quantity q) {
    try {
      return WorkerDemand.millis(q, "cpu");
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  private static long safeBytes(Quantity q) {
    try {
      return WorkerDemand.bytes(q, "quantity");
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }
}
