package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.v1alpha1.Algorithm;
import java.nio.file.Path;

/**
 * Flags of the {@code run} command.
 *
 * @param algorithm overrides spec.training.algorithm when not null
 * @param epochs overrides spec.training.epochs when not null
 * @param outputDir where plan, curve and logs go; null means runs/&lt;job&gt;
 * @param dataDir overrides the data set's directory (or http cache) when not null
 * @param virtualClock charge simulated slowdowns to the virtual clock only, instead of sleeping
 * @param evaluationsPerEpoch evaluations of the averaged model per epoch
 */
public record RunOptions(Path manifest, Algorithm algorithm, Integer epochs, Path outputDir, Path dataDir, boolean virtualClock,
    int evaluationsPerEpoch, boolean quiet) {

  public static RunOptions of(Path manifest) {
    return new RunOptions(manifest, null, null, null, null, false, 1, false);
  }
}
