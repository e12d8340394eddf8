package dev.hetero.training.api.v1alpha1;

/** Condition types the operator maintains, one condition per type. */
public enum ConditionType {
  Planned, Running, Suspended, Succeeded, Failed, Unschedulable
}
