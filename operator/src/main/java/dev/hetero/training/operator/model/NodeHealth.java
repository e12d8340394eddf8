package dev.hetero.training.operator.model;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which nodes a job has lost. A node is lost when it is gone, or when it has not been Ready for
 * longer than the grace period (a short NotReady blip must not move a whole training job).
 */
public final class NodeHealth {
  private NodeHealth() {
  }

  /** Lost nodes among {@code wanted}, and the earliest instant at which another may become lost. */
  public record Verdict(Set<String> lost, Optional<Instant> recheckAt) {
  }

  public static Verdict lostNodes(Collection<String> wanted, Collection<Node> nodes, Instant now, Duration grace) {
    Map<String, Node> byName = nodes.stream()
        .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity(), (a, b) -> a));
    Set<String> lost = new TreeSet<>();
    Instant recheck = null;
    for (String name : wanted) {
      Node node = byName.get(name);
      if (node == null) {
        lost.add(name);
        continue;
      }
      Optional<Instant> notReadySince = notReadySince(node, now);
      if (notReadySince.isEmpty()) {
        continue;
      }
      Instant deadline = notReadySince.get().plus(grace);
      if (!deadline.isAfter(now)) {
        lost.add(name);
      } else if (recheck == null || deadline.isBefore(recheck)) {
        recheck = deadline;
      }
    }
    return new Verdict(lost, Optional.ofNullable(recheck));
  }

  public static boolean isReady(Node node) {
    return readyCondition(node).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** Since when a node is not Ready; empty when Ready. Without a transition time, counts from now. */
  public static Optional<Instant> notReadySince(Node node, Instant now) {
    Optional<NodeCondition> ready = readyCondition(node);
    if (ready.isPresent() && "True".equals(ready.get().getStatus())) {
      return Optional.empty();
    }
    return Optional.of(ready.map(NodeCondition::getLastTransitionTime).map(t -> Times.parse(t, now)).orElse(now));
  }

  private static Optional<NodeCondition> readyCondition(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }
}
