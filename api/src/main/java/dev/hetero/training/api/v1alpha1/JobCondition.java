package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The shape of metav1.Condition, with its bounds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobCondition(
    @Required @Size(max = 316)
    @JsonPropertyDescription("Condition type: Planned, Pending, Running, Degraded, CoordinatorReady, CheckpointReady, Suspended, Succeeded,"
        + " Failed, Unschedulable, or Queued (jobs in a Kueue queue only).")
    String type,

    @Required @Pattern("^(True|False|Unknown)$")
    @JsonPropertyDescription("True, False or Unknown.")
    String status,

    @Min(0)
    @JsonPropertyDescription("The .metadata.generation the condition was set for.")
    Long observedGeneration,

    @Required
    @JsonPropertyDescription("When the condition last changed status (RFC 3339).")
    String lastTransitionTime,

    @Required @Size(min = 1, max = 1024) @Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
    @JsonPropertyDescription("CamelCase machine-readable reason for the last transition.")
    String reason,

    @Required @Size(max = 32768)
    @JsonPropertyDescription("Human-readable details of the transition.")
    String message) {
}
