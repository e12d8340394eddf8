package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Locale;

/**
 * What {@code kubectl get htj} prints, written beside the precise values by the same writer (the
 * trainer's coordinator), so the columns read as plain numbers: epoch with two decimals, accuracy as
 * a percentage, samples/s as a whole number. The precise values stay in {@code status.training}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingDisplay(
    @JsonPropertyDescription("Epochs of the budget processed, two decimals, e.g. 1.02.")
    String epoch,
    @JsonPropertyDescription("Test accuracy of the last evaluation as a percentage, e.g. 87.3%.")
    String accuracy,
    @JsonPropertyDescription("Samples per second of all workers together, a whole number.")
    String samplesPerSecond,
    @JsonPropertyDescription("The slowest worker's compute time as a share of the last round's wall time, e.g. 92%: the rest is waiting and averaging.")
    String slowestShare) {

  /** The display of precise values; null values stay absent. */
  public static TrainingDisplay of(Double epoch, Double accuracy, Double samplesPerSecond, Double slowestShare) {
    return new TrainingDisplay(
        epoch == null ? null : String.format(Locale.ROOT, "%.2f", epoch),
        accuracy == null || accuracy.isNaN() ? null : String.format(Locale.ROOT, "%.1f%%", 100 * accuracy),
        samplesPerSecond == null ? null : String.valueOf(Math.round(samplesPerSecond)),
        slowestShare == null || slowestShare.isNaN() ? null : String.format(Locale.ROOT, "%.0f%%", 100 * Math.min(1, slowestShare)));
  }
}
