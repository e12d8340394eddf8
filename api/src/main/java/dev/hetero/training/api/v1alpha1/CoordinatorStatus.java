package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Written by the operator: which coordinator incarnation status.training belongs to. A pod runs
 * one trainer process (restartPolicy Never), so a pod UID is an incarnation; its start is the
 * {@code coordinatorStartedAt} the trainer reports first while that pod runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoordinatorStatus(
    @JsonPropertyDescription("The coordinator's worker (and pod) name.")
    String worker,
    @JsonPropertyDescription("UID of the coordinator pod this record is about.")
    String podUID,
    @JsonPropertyDescription("status.training.coordinatorStartedAt as this pod's trainer reported it; absent until it reports.")
    String startedAt,
    @JsonPropertyDescription("The checkpoint round this pod's trainer resumed from; absent when it started from round 0.")
    Long resumedFromRound,
    @JsonPropertyDescription("Coordinator pods that replaced an earlier one (deleted, failed, stopped, moved off a lost node).")
    Integer restarts) {
}
