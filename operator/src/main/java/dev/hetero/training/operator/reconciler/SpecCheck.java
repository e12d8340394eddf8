package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.api.validation.SpecValidator;
import dev.hetero.training.operator.model.JobObservation;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.operator.model.StatusAggregator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * The validate step: {@code SpecValidator} (the schema's rules restated plus semantic checks).
 * Problems fail the job with InvalidSpec and every problem in the message; otherwise the spec
 * with its defaults is what every later step works on.
 */
@ApplicationScoped
public class SpecCheck {

  public Optional<HeteroTrainingJobSpec> validate(JobObservation obs, StatusAggregator status) {
    List<String> problems = problems(obs.job().getSpec());
    if (!problems.isEmpty()) {
      status.failed(Reason.InvalidSpec, "invalid spec: " + String.join("; ", problems), null);
      return Optional.empty();
    }
    return Optional.of(SpecDefaults.apply(obs.job().getSpec()));
  }

  static List<String> problems(HeteroTrainingJobSpec spec) {
    try {
      return SpecValidator.validate(spec);
    } catch (RuntimeException e) {
      return List.of("spec cannot be read: " + e.getMessage());
    }
  }
}
