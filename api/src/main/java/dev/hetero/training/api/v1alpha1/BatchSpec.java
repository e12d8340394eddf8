package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one of the two styles. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.global) != has(self.perWorker)",
    message = "spec.training.batch: set exactly one of global or perWorker")
public record BatchSpec(
    @Min(1) @Max(1048576)
    @JsonPropertyDescription("Global batch per step, split among the workers in proportion to their capacity (largest-remainder rounding, within allocation bounds); local steps make up what the bounds cut.")
    Integer global,

    @Min(1) @Max(65536)
    @JsonPropertyDescription("The same base batch on every worker (clamped to the allocation bounds); faster workers get proportionally more local steps (the reference code's style).")
    Integer perWorker) {
}
