package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The plan the reconcile step decided on, handed to the plan ConfigMap dependent through the
 * workflow context (the workflow runs after planning, on explicit invocation).
 */
public record DesiredPlan(PlanDocument document, String json) {
  static final String KEY = "hetero.desired-plan";

  public static DesiredPlan of(PlanDocument document) {
    return new DesiredPlan(document, PlanCodec.toJson(document));
  }

  public void putInto(Context<?> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static DesiredPlan from(Context<?> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, DesiredPlan.class);
  }
}
