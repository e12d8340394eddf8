package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record LearningRateSpec(
    @Default(Defaults.LEARNING_RATE) @Min(value = 0, inclusive = false) @Max(10)
    @JsonPropertyDescription("Initial learning rate (not scaled by local steps, as in the reference recipe).")
    Double initial,

    @Size(max = 8)
    @ValidationRule(value = "self.all(m, m > 0.0 && m < 1.0)",
        message = "spec.training.learningRate.milestones: every milestone must lie strictly between 0 and 1")
    @JsonPropertyDescription("Fractions of the budget (strictly between 0 and 1, increasing) at which the rate is multiplied by decayFactor; the reference recipe uses [0.6, 0.8].")
    List<Double> milestones,

    @Default(Defaults.DECAY_FACTOR) @Min(value = 0, inclusive = false) @Max(1)
    @JsonPropertyDescription("Factor applied to the rate at each milestone.")
    Double decayFactor) {

  public LearningRateSpec {
    milestones = milestones == null ? null : List.copyOf(milestones);
  }
}
