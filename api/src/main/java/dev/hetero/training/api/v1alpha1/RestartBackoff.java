package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Exponential backoff of pod-failure restarts; their count is bounded by runPolicy.backoffLimit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestartBackoff(
    @Default(Defaults.POD_FAILURE_BACKOFF_SECONDS) @Min(0) @Max(86400)
    @JsonPropertyDescription("Delay before the first restart for this cause, in seconds; doubled for each further one.")
    Integer initialBackoffSeconds,

    @Default(Defaults.POD_FAILURE_MAX_BACKOFF_SECONDS) @Min(0) @Max(86400)
    @JsonPropertyDescription("Cap of the restart delay for this cause, in seconds.")
    Integer maxBackoffSeconds) {
}
