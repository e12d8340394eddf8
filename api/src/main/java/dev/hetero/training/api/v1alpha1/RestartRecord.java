package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestartRecord(
    @JsonPropertyDescription("Why workers were restarted, e.g. PodFailed, OOMKilled, NodeLost, Evicted.")
    String reason,
    @JsonPropertyDescription("Restarts for this reason.")
    Integer count,
    @JsonPropertyDescription("Worker restarted last for this reason.")
    String lastWorker,
    @JsonPropertyDescription("When (RFC 3339).")
    String lastTime) {
}
