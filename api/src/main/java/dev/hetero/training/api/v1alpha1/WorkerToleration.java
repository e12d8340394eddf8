package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The shape of a core/v1 Toleration, with bounds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerToleration(
    @Size(max = 317)
    @JsonPropertyDescription("Taint key to tolerate; empty with operator Exists tolerates every taint.")
    String key,

    @Pattern("^(Exists|Equal)$")
    @JsonPropertyDescription("Exists or Equal (the default).")
    String operator,

    @Size(max = 63)
    @JsonPropertyDescription("Taint value to match when operator is Equal.")
    String value,

    @Pattern("^(NoSchedule|PreferNoSchedule|NoExecute)?$")
    @JsonPropertyDescription("Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.")
    String effect,

    @Min(0)
    @JsonPropertyDescription("For NoExecute: how long the pod stays bound after the taint appears.")
    Long tolerationSeconds) {
}
