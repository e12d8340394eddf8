package dev.hetero.training.operator.reconciler;

import dev.hetero.training.operator.model.NodeHealth;
import io.fabric8.kubernetes.api.model.Node;
import java.util.Objects;

/**
 * Which Node updates can matter to a job: readiness, cordoning, taints, labels, allocatable.
 * Heartbeat-only updates are dropped; otherwise every node heartbeat would wake every job.
 */
final class NodeChanges {
  private NodeChanges() {
  }

  static boolean relevant(Node newNode, Node oldNode) {
    if (oldNode == null || newNode == null) {
      return true;
    }
    return NodeHealth.isReady(newNode) != NodeHealth.isReady(oldNode)
        || !Objects.equals(unschedulable(newNode), unschedulable(oldNode))
        || !Objects.equals(newNode.getSpec() == null ? null : newNode.getSpec().getTaints(),
            oldNode.getSpec() == null ? null : oldNode.getSpec().getTaints())
        || !Objects.equals(newNode.getMetadata().getLabels(), oldNode.getMetadata().getLabels())
        || !Objects.equals(newNode.getStatus() == null ? null : newNode.getStatus().getAllocatable(),
            oldNode.getStatus() == null ? null : oldNode.getStatus().getAllocatable())
        || !Objects.equals(newNode.getMetadata().getDeletionTimestamp(), oldNode.getMetadata().getDeletionTimestamp());
  }

  private static Boolean unschedulable(Node node) {
    return node.getSpec() == null ? null : node.getSpec().getUnschedulable();
  }
}
