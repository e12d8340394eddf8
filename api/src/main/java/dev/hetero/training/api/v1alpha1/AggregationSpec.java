package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.gamma) == (has(self.policy) && self.policy == 'power')",
    message = "spec.aggregation.gamma is required with policy power and not allowed with any other policy")
@ValidationRule(value = "has(self.classWeights) == (has(self.policy) && self.policy == 'explicit')",
    message = "spec.aggregation.classWeights is required with policy explicit and not allowed with any other policy")
@ValidationRule(value = "!has(self.classWeights) || self.classWeights.gpu + self.classWeights.cpu > 0.0",
    message = "spec.aggregation.classWeights: at least one of gpu and cpu must be positive")
public record AggregationSpec(
    @Default(Defaults.AGGREGATION_POLICY)
    @JsonPropertyDescription("uniform (1/m, the reference code), workProportional (samples processed), power (samples^gamma) or explicit (classWeights per device class).")
    AggregationPolicy policy,

    @Min(0) @Max(1)
    @JsonPropertyDescription("Exponent for policy power: 0 is uniform, 1 is work-proportional. Only with policy power.")
    Double gamma,

    @JsonPropertyDescription("Weights per device class for policy explicit. Only with policy explicit.")
    ClassWeights classWeights,

    @Default("true")
    @JsonPropertyDescription("Average BatchNorm running statistics along with the weights (as the reference code does).")
    Boolean includeBuffers) {
}
