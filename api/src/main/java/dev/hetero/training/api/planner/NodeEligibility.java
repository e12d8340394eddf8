package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.WorkerToleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Whether a pool's workers may run on a node, and if not, why (as the scheduler would decide). */
final class NodeEligibility {
  private NodeEligibility() {
  }

  /** Empty when eligible, otherwise a short reason. */
  static Optional<String> whyNot(NodeInfo node, PoolSpec pool) {
    if (!node.schedulable()) {
      return Optional.of("unschedulable");
    }
    if (pool.claimsDevices() && node.allocatable().claimableGpus() <= 0) {
      return Optional.of("no GPU in a complete " + DraGpus.NVIDIA_DRIVER + " ResourceSlice");
    }
    if (pool.deviceClass() == DeviceClass.GPU && !pool.claimsDevices() && node.allocatable().gpus() <= 0) {
      return Optional.of(node.allocatable().claimableGpus() > 0
          ? "no nvidia.com/gpu (its GPUs are published through DRA: set the pool's deviceClaim)" : "no nvidia.com/gpu");
    }
    Map<String, String> selector = pool.nodeSelector() == null ? Map.of() : pool.nodeSelector();
    for (Map.Entry<String, String> wanted : selector.entrySet()) {
      if (!Objects.equals(node.labels().get(wanted.getKey()), wanted.getValue())) {
        return Optional.of("nodeSelector " + wanted.getKey() + "=" + wanted.getValue() + " not matched");
      }
    }
    List<WorkerToleration> tolerations = pool.tolerations() == null ? List.of() : pool.tolerations();
    for (NodeTaint taint : node.taints()) {
      if ("PreferNoSchedule".equals(taint.effect())) {
        continue;
      }
      if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
        return Optional.of("taint " + taint.key() + (taint.value() == null ? "" : "=" + taint.value()) + ":" + taint.effect()
            + " not tolerated");
      }
    }
    return Optional.empty();
  }

  /** core/v1 toleration semantics. */
  static boolean tolerates(WorkerToleration t, NodeTaint taint) {
    if (t.effect() != null && !t.effect().isEmpty() && !t.effect().equals(taint.effect())) {
      return false;
    }
    boolean exists = "Exists".equals(t.operator());
    if (t.key() == null || t.key().isEmpty()) {
      return exists;
    }
    if (!t.key().equals(taint.key())) {
      return false;
    }
    return exists || Objects.equals(nullToEmpty(t.value()), nullToEmpty(taint.value()));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
