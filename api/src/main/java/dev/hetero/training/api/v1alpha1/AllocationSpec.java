package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
// Rules guard defaulted fields with has(): the API server also checks them against the schema's
// default value {} itself, before any nested default is filled in.
@ValidationRule(value = "!has(self.minBatchPerWorker) || !has(self.maxBatchPerWorker) || self.minBatchPerWorker <= self.maxBatchPerWorker",
    message = "spec.allocation.minBatchPerWorker must not exceed spec.allocation.maxBatchPerWorker")
public record AllocationSpec(
    @Default(Defaults.CAPACITY_SOURCE)
    @JsonPropertyDescription("nodeLabels: capacity from node labels, the GPU product table, then CPU cores; uniform: every worker counts as 1.")
    CapacitySource capacitySource,

    @Default(Defaults.MIN_BATCH) @Min(1) @Max(65536)
    @JsonPropertyDescription("Smallest batch any worker gets per step.")
    Integer minBatchPerWorker,

    @Default(Defaults.MAX_BATCH) @Min(1) @Max(65536)
    @JsonPropertyDescription("Largest batch any worker gets per step (what the model fits in device memory).")
    Integer maxBatchPerWorker,

    @Default("{}")
    @JsonPropertyDescription("How many local steps each worker runs between two averagings.")
    LocalStepsSpec localSteps,

    @Default("{}")
    @JsonPropertyDescription("Live rebalancing from measured compute rates, and straggler marking.")
    RebalanceSpec rebalance) {

  /** Allocation without a rebalance section (its defaults apply). */
  public AllocationSpec(CapacitySource capacitySource, Integer minBatchPerWorker, Integer maxBatchPerWorker,
      LocalStepsSpec localSteps) {
    this(capacitySource, minBatchPerWorker, maxBatchPerWorker, localSteps, null);
  }
}
