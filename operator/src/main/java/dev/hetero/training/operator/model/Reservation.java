package dev.hetero.training.operator.model;

import dev.hetero.training.api.planner.NodeResources;
import java.time.Instant;

/**
 * Capacity promised to one planned worker whose pod the operator's cache may not show yet.
 * Without it, jobs reconciled at the same moment all see the same free nodes and plan onto
 * them together, and the losers' pods stay Pending (seen at 100 jobs on 1,000 nodes).
 */
public record Reservation(String jobUid, String namespace, String pod, String node, NodeResources resources, Instant expires) {
}
