package dev.hetero.training.api.planner;

/** A node taint: key, optional value, effect NoSchedule | PreferNoSchedule | NoExecute. */
public record NodeTaint(String key, String value, String effect) {
}
