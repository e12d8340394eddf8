package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Bound and backoff of restarts caused by an involuntary disruption (node loss, preemption). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DisruptionBudget(
    @Default(Defaults.DISRUPTION_LIMIT) @Min(0) @Max(1000)
    @JsonPropertyDescription("Restarts for this cause allowed before the job fails.")
    Integer limit,

    @Default(Defaults.DISRUPTION_BACKOFF_SECONDS) @Min(0) @Max(86400)
    @JsonPropertyDescription("Delay before the first restart for this cause, in seconds; doubled for each further one.")
    Integer initialBackoffSeconds,

    @Default(Defaults.DISRUPTION_MAX_BACKOFF_SECONDS) @Min(0) @Max(86400)
    @JsonPropertyDescription("Cap of the restart delay for this cause, in seconds.")
    Integer maxBackoffSeconds) {
}
