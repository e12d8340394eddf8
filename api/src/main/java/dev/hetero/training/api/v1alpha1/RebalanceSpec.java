package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Live rebalancing: the coordinator corrects each worker's work from its measured compute rate at
 * round boundaries ({@code dev.hetero.training.api.planner.Rebalancer}). Off by default in this
 * version: a rebalanced run is no longer reproducible from the spec alone (it follows measured
 * times), and it is not tested on a cluster yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RebalanceSpec(
    @Default(Defaults.REBALANCE_ENABLED)
    @JsonPropertyDescription("When true, the coordinator re-sizes batches (within the allocation bounds, global batch kept) and"
        + " local steps from each worker's measured compute rate at round boundaries, without restarting any worker.")
    Boolean enabled,

    @Default(Defaults.REBALANCE_DEAD_BAND) @Min(0) @Max(1)
    @JsonPropertyDescription("No change while every worker's measured rate (scaled to the plan's total capacity) is within this"
        + " relative distance of the capacity the plan assumes; noise below deadBand/(2+deadBand) on every worker never moves the plan.")
    Double deadBand,

    @Default(Defaults.REBALANCE_DAMPING) @Min(value = 0, inclusive = false) @Max(1)
    @JsonPropertyDescription("Share of the gap between assumed and measured capacity closed per rebalance (1: jump to the measurement).")
    Double damping,

    @Default(Defaults.STRAGGLER_FACTOR) @Min(1) @Max(1000)
    @JsonPropertyDescription("A worker whose round compute time exceeds this many times the median worker's, with the work it is"
        + " given, is marked Straggler in status.workers (with or without rebalancing).")
    Double stragglerFactor,

    @Default(Defaults.LEAVE_OUT_STRAGGLERS)
    @JsonPropertyDescription("When true, a worker marked Straggler is not waited for beyond stragglerFactor times the time the"
        + " other workers took: the round closes without it (its samples of that round are not counted) and it starts the next"
        + " one with the new average. Every fifth round it is waited for, so a worker that recovered is measured again.")
    Boolean leaveOutStragglers) {

  @JsonCreator
  public RebalanceSpec {
  }

  /** Rebalancing without the straggler cut-off (its default applies). */
  public RebalanceSpec(Boolean enabled, Double deadBand, Double damping, Double stragglerFactor) {
    this(enabled, deadBand, damping, stragglerFactor, null);
  }
}
