package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolStatus(
    @JsonPropertyDescription("Pool name.")
    String name,
    @JsonPropertyDescription("gpu or cpu.")
    DeviceClass deviceClass,
    @JsonPropertyDescription("Workers planned for the pool.")
    Integer planned,
    @JsonPropertyDescription("Worker pods of the pool that are Ready.")
    Integer ready,
    @JsonPropertyDescription("Worker pods of the pool that failed and await a restart.")
    Integer failed,
    @JsonPropertyDescription("Sum of the planned workers' capacity.")
    Double capacity) {
}
