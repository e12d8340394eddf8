package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(
    @Required
    @JsonPropertyDescription("Built-in architecture: mlp (784-128-10), lenet (small CNN with BatchNorm) or resnet20 (CIFAR ResNet-20).")
    ModelName name) {
}
