package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingSpec(
    @Default(Defaults.ALGORITHM)
    @JsonPropertyDescription("syncSGD (gradients averaged every step), localSGD (uniform model averaging every round) or biasedLocalSGD (capacity-proportional work, biased sampling, weighted averaging).")
    Algorithm algorithm,

    @Default(Defaults.EPOCHS) @Min(1) @Max(10000)
    @JsonPropertyDescription("Budget in epochs, counted as global samples: training stops once all workers together processed epochs x training-set size samples.")
    Integer epochs,

    @Required
    @JsonPropertyDescription("Batch size: either a global batch split among workers in proportion to capacity, or one base batch per worker.")
    BatchSpec batch,

    @Default("{}")
    @JsonPropertyDescription("SGD optimizer settings. Momentum buffers stay local to each worker and are never averaged.")
    OptimizerSpec optimizer,

    @Default("{}")
    @JsonPropertyDescription("Initial learning rate and its multistep decay.")
    LearningRateSpec learningRate,

    @Default(Defaults.SEED) @Min(0)
    @JsonPropertyDescription("Seed for initial weights, shuffling and sampling: the same seed and plan give the same result.")
    Long seed) {
}
