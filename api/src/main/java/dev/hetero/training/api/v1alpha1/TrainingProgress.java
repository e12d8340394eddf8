package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Written by the trainer's coordinator (field manager hetero-trainer), never by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingProgress(
    @JsonPropertyDescription("Rounds (averagings) completed. After a coordinator restart (coordinatorStartedAt changed) the"
        + " count continues from resumedFromRound; rounds reported by the previous coordinator after it are void.")
    Long round,
    @JsonPropertyDescription("Epochs of the budget processed, counted in global samples.")
    Double epoch,
    @JsonPropertyDescription("Training samples processed by all workers together.")
    Long samples,
    @JsonPropertyDescription("Mean training loss over the last round.")
    Double loss,
    @JsonPropertyDescription("Test accuracy (0..1) of the averaged model at the last evaluation (carried over a resume).")
    Double accuracy,
    @JsonPropertyDescription("Samples per second of all workers together, over the last rounds.")
    Double samplesPerSecond,
    @JsonPropertyDescription("When the coordinator last reported (RFC 3339).")
    String updatedAt,
    @JsonPropertyDescription("The same progress formatted for kubectl's columns (epoch, accuracy %, samples/s, slowest worker's share of the round).")
    TrainingDisplay display,
    @JsonPropertyDescription("When the coordinator now reporting started (RFC 3339), reported before its first round: a new"
        + " value means the coordinator was restarted.")
    String coordinatorStartedAt,
    @JsonPropertyDescription("The checkpoint round this coordinator resumed from; absent when it started from round 0.")
    Long resumedFromRound,
    @JsonPropertyDescription("Round of the newest checkpoint this coordinator wrote or resumed from.")
    Long lastCheckpointRound) {

  @JsonCreator
  public TrainingProgress {
  }

  /** Progress with its display derived from these values (slowestShare: of the last round, or null), without restart markers. */
  public static TrainingProgress of(Long round, Double epoch, Long samples, Double loss, Double accuracy, Double samplesPerSecond,
      String updatedAt, Double slowestShare) {
    return of(round, epoch, samples, loss, accuracy, samplesPerSecond, updatedAt, slowestShare, null, null, null);
  }

  /** Progress with its display and this coordinator's restart markers. */
  public static TrainingProgress of(Long round, Double epoch, Long samples, Double loss, Double accuracy, Double samplesPerSecond,
      String updatedAt, Double slowestShare, String coordinatorStartedAt, Long resumedFromRound, Long lastCheckpointRound) {
    return new TrainingProgress(round, epoch, samples, loss, accuracy, samplesPerSecond, updatedAt,
        TrainingDisplay.of(epoch, accuracy, samplesPerSecond, slowestShare), coordinatorStartedAt, resumedFromRound,
        lastCheckpointRound);
  }
}
