package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Written by the trainer's coordinator (field manager hetero-trainer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerStatus(
    @JsonPropertyDescription("Worker name.")
    String name,
    @JsonPropertyDescription("Training, Waiting, Late (left out of the last round) or Done.")
    String phase,
    @JsonPropertyDescription("Measured samples per second of this worker.")
    Double samplesPerSecond,
    @JsonPropertyDescription("Last round this worker contributed to.")
    Long lastRound) {
}
