package dev.hetero.training.operator.model;

/**
 * An Event the reconcile wants on the job. {@code key} is what makes two of them "the same
 * event": a repeat with the same reason and key folds into the existing Event (count and
 * lastTimestamp move) instead of adding one.
 */
public record JobEvent(Reason reason, String key, String message) {
}
