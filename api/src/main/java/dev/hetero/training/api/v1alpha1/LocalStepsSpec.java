package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.base) || !has(self.max) || self.base <= self.max",
    message = "spec.allocation.localSteps.base must not exceed spec.allocation.localSteps.max")
public record LocalStepsSpec(
    @Default(Defaults.LOCAL_STEPS_POLICY)
    @JsonPropertyDescription("equalTime: steps chosen so every worker's round takes the same time; fixed: base steps on every worker. syncSGD always uses 1.")
    LocalStepsPolicy policy,

    @Default(Defaults.LOCAL_STEPS_BASE) @Min(1) @Max(10000)
    @JsonPropertyDescription("Local steps of the worker with the least capacity per sample (equalTime), or of every worker (fixed).")
    Integer base,

    @Default(Defaults.LOCAL_STEPS_MAX) @Min(1) @Max(100000)
    @JsonPropertyDescription("Upper bound on any worker's local steps per round.")
    Integer max) {
}
