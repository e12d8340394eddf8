package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * What to train, on which data, with which algorithm, and on which pools of workers.
 * The operator never writes into spec: defaults live in the schema, derived values in status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(oldSelf.pools) || self.pools.all(p, !oldSelf.pools.exists(o, o.name == p.name)"
        + " || oldSelf.pools.exists(o, o.name == p.name && o.deviceClass == p.deviceClass))",
    message = "spec.pools[].deviceClass is immutable: remove the pool and add it under a new name to change it",
    fieldPath = ".pools")
@ValidationRule(value = "!has(self.training.optimizer) || !has(self.training.optimizer.asyncSAM)"
    + " || self.pools.exists(p, p.name == self.training.optimizer.asyncSAM.helperPool)",
    message = "spec.training.optimizer.asyncSAM.helperPool must name a pool of spec.pools",
    fieldPath = ".training.optimizer.asyncSAM.helperPool")
@ValidationRule(value = "!has(self.training.optimizer) || !has(self.training.optimizer.asyncSAM)"
    + " || self.pools.exists(p, p.name != self.training.optimizer.asyncSAM.helperPool)",
    message = "spec.pools needs a pool besides spec.training.optimizer.asyncSAM.helperPool: its workers compute perturbations"
        + " for workers of the other pools, which train",
    fieldPath = ".pools")
public record HeteroTrainingJobSpec(
    @Required @JsonPropertyDescription("The network to train: one of the built-in architectures.")
    ModelSpec model,

    @Required @JsonPropertyDescription("The data set to train and evaluate on, and where the workers read it from.")
    DatasetSpec dataset,

    @Required @JsonPropertyDescription("The training algorithm, budget, batch, optimizer, learning-rate schedule and seed.")
    TrainingSpec training,

    @Default("{}")
    @JsonPropertyDescription("How node capacity becomes each worker's batch size and local steps, and their bounds.")
    AllocationSpec allocation,

    @Default("{}")
    @JsonPropertyDescription("Loss-based biased sampling: which workers train on the highest-loss samples.")
    SamplingSpec sampling,

    @Default("{}")
    @JsonPropertyDescription("How the workers' models are averaged at the end of every round.")
    AggregationSpec aggregation,

    @Required @Size(min = 1, max = 16)
    @ValidationRule(value = "self.all(p, self.exists_one(q, q.name == p.name))",
        message = "spec.pools[].name must be unique within the job")
    @JsonPropertyDescription("Pools of workers, one per kind of device (for example one GPU pool and one CPU pool). At least one.")
    List<PoolSpec> pools,

    @Default("{}")
    @JsonPropertyDescription("Suspension, restart budgets per cause, deadline, clean-up after the end.")
    RunPolicy runPolicy,

    @Default("{}")
    @JsonPropertyDescription("Durable training state: how often the coordinator checkpoints, on which volume, and how long it has to checkpoint when asked to stop.")
    CheckpointSpec checkpoint) {

  public HeteroTrainingJobSpec {
    pools = pools == null ? null : List.copyOf(pools);
  }
}
