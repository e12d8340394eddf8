package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One budget per cause of a worker restart, so an involuntary disruption (a node lost, a pod
 * preempted) never uses up the budget meant for a job that keeps crashing, and the other way
 * round. Delays grow as initial x 2^(n-1), capped at max, per cause.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rules guard defaulted fields with has(): the API server also checks them against the default {}.
@ValidationRule(value = "!has(self.podFailure) || !has(self.podFailure.initialBackoffSeconds)"
    + " || !has(self.podFailure.maxBackoffSeconds) || self.podFailure.initialBackoffSeconds <= self.podFailure.maxBackoffSeconds",
    message = "spec.runPolicy.restarts.podFailure.initialBackoffSeconds must not exceed spec.runPolicy.restarts.podFailure.maxBackoffSeconds")
@ValidationRule(value = "!has(self.nodeLost) || !has(self.nodeLost.initialBackoffSeconds)"
    + " || !has(self.nodeLost.maxBackoffSeconds) || self.nodeLost.initialBackoffSeconds <= self.nodeLost.maxBackoffSeconds",
    message = "spec.runPolicy.restarts.nodeLost.initialBackoffSeconds must not exceed spec.runPolicy.restarts.nodeLost.maxBackoffSeconds")
@ValidationRule(value = "!has(self.preempted) || !has(self.preempted.initialBackoffSeconds)"
    + " || !has(self.preempted.maxBackoffSeconds) || self.preempted.initialBackoffSeconds <= self.preempted.maxBackoffSeconds",
    message = "spec.runPolicy.restarts.preempted.initialBackoffSeconds must not exceed spec.runPolicy.restarts.preempted.maxBackoffSeconds")
public record RestartBudgets(
    @Default("{}")
    @JsonPropertyDescription("A worker pod that failed (exited non-zero, OOM-killed): backoff before it is recreated. Its"
        + " bound is spec.runPolicy.backoffLimit.")
    RestartBackoff podFailure,

    @Default("{}")
    @JsonPropertyDescription("A worker whose node was lost (NotReady past the operator's grace, or deleted): how many"
        + " re-plans elsewhere, and the backoff between them.")
    DisruptionBudget nodeLost,

    @Default("{}")
    @JsonPropertyDescription("A worker pod preempted or evicted (scheduler preemption, eviction API, node drain, a pod"
        + " that exited 75 after a SIGTERM the operator did not send itself, as it does for suspend): how many"
        + " recreations, and the backoff between them.")
    DisruptionBudget preempted) {
}
