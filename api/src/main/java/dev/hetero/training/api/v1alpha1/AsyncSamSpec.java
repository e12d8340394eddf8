package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Asynchronous SAM: who computes the ascent, from how stale a model, on how many samples. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.perturbationBatch) || (type(self.perturbationBatch) == string"
    + " ? self.perturbationBatch == 'auto' : (int(self.perturbationBatch) >= 1 && int(self.perturbationBatch) <= 65536))",
    message = "spec.training.optimizer.asyncSAM.perturbationBatch must be auto or a number of samples from 1 to 65536")
public record AsyncSamSpec(
    @Required @Size(min = 1, max = 24)
    @JsonPropertyDescription("The pool whose workers compute the ascent (perturbation) directions, typically a CPU pool. "
        + "Its workers do not train: the planner pairs each with one worker of the other pools, fastest first, and the plan "
        + "names the pairs (ascentHelper, ascentFor). On one machine they are processes beside the trainers.")
    String helperPool,

    @Default(Defaults.ASYNC_SAM_STALENESS) @Min(0) @Max(64)
    @JsonPropertyDescription("tau: a descent step may use a perturbation computed from the model of at most this many steps "
        + "ago; an older one makes the worker wait for a fresher one. 0 is synchronous SAM with the ascent on the helper.")
    Integer staleness,

    @Default(Defaults.ASYNC_SAM_PERTURBATION_BATCH)
    @JsonPropertyDescription("b_p, samples per ascent: auto (the largest batch whose ascent on the helper takes no longer "
        + "than the paired worker's descent step, measured at run time and re-measured when it drifts) or a number.")
    IntOrString perturbationBatch) {

  /** The fixed perturbation batch, or null for auto. */
  public Integer fixedPerturbationBatch() {
    if (perturbationBatch == null || perturbationBatch.getIntVal() == null) {
      return null;
    }
    return perturbationBatch.getIntVal();
  }
}
