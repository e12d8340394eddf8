package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Written by the trainer's coordinator (field manager hetero-trainer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerStatus(
    @JsonPropertyDescription("Worker name.")
    String name,
    @JsonPropertyDescription("Training, Waiting, Late (left out of the last round), Straggler (made the last round, but its compute"
        + " time for the work it is given exceeds spec.allocation.rebalance.stragglerFactor times the median worker's), Helping (an asyncSAM helper whose partner received its perturbations in the last round), Done, or Stopped (stopped with the coordinator on request, state checkpointed).")
    String phase,
    @JsonPropertyDescription("Measured samples per second of this worker (absent on helpers).")
    Double samplesPerSecond,
    @JsonPropertyDescription("Last round this worker contributed to (a helper: the last round its partner used its perturbations).")
    Long lastRound,
    @JsonPropertyDescription("asyncSAM worker: mean age in steps of the perturbations applied in its last round (step - the step of the model they were computed from).")
    Double perturbationAge,
    @JsonPropertyDescription("asyncSAM worker: share of its step time in the last round spent waiting for a perturbation (0..1).")
    Double perturbationWait,
    @JsonPropertyDescription("asyncSAM worker and its helper: the perturbation batch b_p of the latest perturbation.")
    Integer perturbationBatch,
    @JsonPropertyDescription("asyncSAM helper (and its partner's row): share of the helper's time spent computing ascents (0..1).")
    Double helperUtilisation,
    @JsonPropertyDescription("Samples per local step this worker runs now (the coordinator's plan: status.plan's, or a live rebalance of it).")
    Integer batchSize,
    @JsonPropertyDescription("Local steps per round this worker runs now.")
    Integer localSteps,
    @JsonPropertyDescription("Weight of this worker's model in the average now (before renormalising over a round's workers).")
    Double weight,
    @JsonPropertyDescription("Smoothed (exponentially weighted) compute seconds of one local step at batchSize: compute only,"
        + " slowdown included, model exchange and waits excluded. Absent until the worker made a round.")
    Double stepSeconds) {

  /** A worker's status without asyncSAM figures. */
  public WorkerStatus(String name, String phase, Double samplesPerSecond, Long lastRound) {
    this(name, phase, samplesPerSecond, lastRound, null, null, null, null);
  }

  /** A worker's status without its assigned work. */
  public WorkerStatus(String name, String phase, Double samplesPerSecond, Long lastRound, Double perturbationAge,
      Double perturbationWait, Integer perturbationBatch, Double helperUtilisation) {
    this(name, phase, samplesPerSecond, lastRound, perturbationAge, perturbationWait, perturbationBatch, helperUtilisation, null,
        null, null, null);
  }

  /** This row with the work the worker runs now and its measured step time. */
  public WorkerStatus withWork(Integer newBatch, Integer newSteps, Double newWeight, Double newStepSeconds) {
    return new WorkerStatus(name, phase, samplesPerSecond, lastRound, perturbationAge, perturbationWait, perturbationBatch,
        helperUtilisation, newBatch, newSteps, newWeight, newStepSeconds);
  }
}
