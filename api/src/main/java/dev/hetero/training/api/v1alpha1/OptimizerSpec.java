package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizerSpec(
    @Default(Defaults.MOMENTUM) @Min(0) @Max(value = 1, inclusive = false)
    @JsonPropertyDescription("SGD momentum in [0, 1).")
    Double momentum,

    @Default(Defaults.WEIGHT_DECAY) @Min(0) @Max(1)
    @JsonPropertyDescription("L2 weight decay in [0, 1].")
    Double weightDecay,

    @Default("false")
    @JsonPropertyDescription("Use Nesterov momentum.")
    Boolean nesterov) {
}
