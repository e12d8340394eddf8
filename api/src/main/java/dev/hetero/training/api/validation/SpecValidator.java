package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The CRD's rules (bounds, enums, CEL) restated in Java for places without an API server (the
 * one-machine runner) plus the semantic checks a schema cannot express (model and data set fit
 * together). Every problem names its field, with the same wording as the CRD's messages.
 * A test keeps the CEL messages and these in step.
 */
public final class SpecValidator {

  private SpecValidator() {
  }

  /** Every problem found; empty when the spec is valid. */
  public static List<String> validate(HeteroTrainingJobSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: required");
      return problems;
    }
    if (spec.model() == null || spec.model().name() == null) {
      problems.add("spec.model.name: required (one of mlp, lenet, resnet20)");
    }
    SourceRules.dataset(spec, problems);
    TrainingRules.training(spec.training(), problems);
    TrainingRules.helperPool(spec, problems);
    TrainingRules.allocation(spec.allocation(), problems);
    TrainingRules.sampling(spec.sampling(), problems);
    AggregationRules.aggregation(spec.aggregation(), problems);
    PoolRules.pools(spec.pools(), problems);
    RunRules.runPolicy(spec.runPolicy(), problems);
    RunRules.checkpoint(spec.checkpoint(), problems);
    if (problems.isEmpty()) {
      problems.addAll(semantic(spec));
    }
    return List.copyOf(problems);
  }

  /**
   * Rules an update must follow on top of {@link #validate}: a pool's deviceClass is immutable, and
   * so is the checkpoint volume. Both specs as the API server compares them: with their defaults.
   */
  public static List<String> validateUpdate(HeteroTrainingJobSpec oldSpec, HeteroTrainingJobSpec newSpec) {
    List<String> problems = new ArrayList<>(validate(newSpec));
    if (oldSpec != null && newSpec != null) {
      RunRules.checkpointUpdate(oldSpec.checkpoint(), newSpec.checkpoint(), problems);
    }
    if (oldSpec != null && oldSpec.pools() != null && newSpec != null && newSpec.pools() != null) {
      for (PoolSpec p : newSpec.pools()) {
        for (PoolSpec o : oldSpec.pools()) {
          if (Objects.equals(o.name(), p.name()) && o.deviceClass() != p.deviceClass()) {
            problems.add("spec.pools[].deviceClass is immutable: remove the pool and add it under a new name to change it"
                + " (pool " + p.name() + ")");
          }
        }
      }
    }
    return List.copyOf(problems);
  }

  /** Checks the schema cannot express: which models take which data sets. */
  public static List<String> semantic(HeteroTrainingJobSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.model() != null && spec.dataset() != null && spec.model().name() == ModelName.RESNET20
        && spec.dataset().name() != DatasetName.CIFAR10) {
      problems.add("spec.model.name: resnet20 is the CIFAR ResNet-20 and needs dataset cifar10 (3x32x32 colour images),"
          + " not " + spec.dataset().name().wireName() + "; use lenet or mlp for 28x28 grey images");
    }
    return problems;
  }

}
