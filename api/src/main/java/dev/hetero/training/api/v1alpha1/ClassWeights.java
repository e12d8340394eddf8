package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassWeights(
    @Required @Min(0) @Max(1000000)
    @JsonPropertyDescription("Relative weight of each GPU worker's model.")
    Double gpu,

    @Required @Min(0) @Max(1000000)
    @JsonPropertyDescription("Relative weight of each CPU worker's model.")
    Double cpu) {
}
