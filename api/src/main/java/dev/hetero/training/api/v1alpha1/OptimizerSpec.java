package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.asyncSAM) == (has(self.method) && self.method == 'asyncSAM')",
    message = "spec.training.optimizer.asyncSAM is required with method asyncSAM (it names the helperPool that computes"
        + " the ascent) and not allowed with any other method")
public record OptimizerSpec(
    @Default(Defaults.MOMENTUM) @Min(0) @Max(value = 1, inclusive = false)
    @JsonPropertyDescription("SGD momentum in [0, 1).")
    Double momentum,

    @Default(Defaults.WEIGHT_DECAY) @Min(0) @Max(1)
    @JsonPropertyDescription("L2 weight decay in [0, 1].")
    Double weightDecay,

    @Default("false")
    @JsonPropertyDescription("Use Nesterov momentum.")
    Boolean nesterov,

    @Default(Defaults.OPTIMIZER_METHOD)
    @JsonPropertyDescription("sgd (plain SGD), sam (sharpness-aware minimization: every step ascends to w + rho g/|g| and "
        + "descends from there, two passes on the same batch) or asyncSAM (the ascent comes from a helper worker, computed "
        + "from a slightly stale model on a separate batch while the worker descends; see asyncSAM).")
    OptimizerMethod method,

    @Default(Defaults.SAM_RHO) @Min(value = 0, inclusive = false) @Max(10)
    @JsonPropertyDescription("SAM's neighbourhood radius rho > 0: the length of the perturbation rho g/|g| (sam and asyncSAM).")
    Double rho,

    @JsonPropertyDescription("Settings of method asyncSAM: the helper pool, the staleness tau and the perturbation batch. "
        + "Only (and always) with method asyncSAM.")
    AsyncSamSpec asyncSAM) {

  /** SGD with the given momentum settings, as before the SAM methods existed. */
  public OptimizerSpec(Double momentum, Double weightDecay, Boolean nesterov) {
    this(momentum, weightDecay, nesterov, null, null, null);
  }
}
