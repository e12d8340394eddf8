package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The plan the reconcile step decided on, handed to the plan ConfigMap dependent through the
 * workflow context (the workflow runs after planning, on explicit invocation). {@code json} is
 * null while the plan is withheld (a queued job whose pods are not bound yet).
 */
public record DesiredPlan(PlanDocument document, String json) {
  static final String KEY = "hetero.desired-plan";

  public static DesiredPlan of(PlanDocument document) {
    return new DesiredPlan(document, PlanCodec.toJson(document));
  }

  /** The ConfigMap gets no plan file for this document (yet). */
  public static DesiredPlan withheld(PlanDocument document) {
    return new DesiredPlan(document, null);
  }

  public void putInto(Context<?> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static DesiredPlan from(Context<?> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, DesiredPlan.class);
  }
}
