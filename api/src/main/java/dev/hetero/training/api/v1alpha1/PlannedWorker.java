package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One worker of the plan: where it runs and how much work it does per round. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedWorker(
    @JsonPropertyDescription("Worker name, also its pod name: <job>-<pool>-<index>.")
    String worker,
    @JsonPropertyDescription("Rank in the job; rank 0 is the coordinator.")
    Integer rank,
    @JsonPropertyDescription("Node the worker is pinned to.")
    String node,
    @JsonPropertyDescription("Pool the worker belongs to.")
    String pool,
    @JsonPropertyDescription("gpu or cpu.")
    DeviceClass deviceClass,
    @JsonPropertyDescription("Relative throughput used for sizing (samples per unit time, relative).")
    Double capacity,
    @JsonPropertyDescription("Samples per local step.")
    Integer batchSize,
    @JsonPropertyDescription("Local steps per round.")
    Integer localSteps,
    @JsonPropertyDescription("Weight of this worker's model in the round's average (weights sum to 1).")
    Double weight,
    @JsonPropertyDescription("fast or slow, for biased sampling.")
    WorkerRole role) {
}
