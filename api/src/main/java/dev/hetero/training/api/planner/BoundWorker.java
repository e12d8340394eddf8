package dev.hetero.training.api.planner;

/**
 * A worker whose node is already decided by someone else: under Kueue the scheduler binds the
 * pod to a node of the admitted flavor, and the plan is sized afterwards from that node.
 *
 * @param pool the worker's pool
 * @param index its index in the pool (the {@code <index>} of {@code <job>-<pool>-<index>})
 * @param node the node its pod is bound to
 */
public record BoundWorker(String pool, int index, NodeInfo node) {
}
