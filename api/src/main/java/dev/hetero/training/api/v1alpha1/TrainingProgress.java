package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Written by the trainer's coordinator (field manager hetero-trainer), never by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingProgress(
    @JsonPropertyDescription("Rounds (averagings) completed.")
    Long round,
    @JsonPropertyDescription("Epochs of the budget processed, counted in global samples.")
    Double epoch,
    @JsonPropertyDescription("Training samples processed by all workers together.")
    Long samples,
    @JsonPropertyDescription("Mean training loss over the last round.")
    Double loss,
    @JsonPropertyDescription("Test accuracy (0..1) of the averaged model at the last evaluation.")
    Double accuracy,
    @JsonPropertyDescription("Samples per second of all workers together, over the last rounds.")
    Double samplesPerSecond,
    @JsonPropertyDescription("When the coordinator last reported (RFC 3339).")
    String updatedAt) {
}
