package dev.hetero.training.trainer.ascent;

import java.io.IOException;

/** A helper's end of its asyncSAM pair: hand in the last perturbation, get the next model to ascend from. */
public interface AscentSource {

  /**
   * Delivers {@code previous} (null at first) and waits for a snapshot newer than step {@code after}.
   *
   * @return the snapshot, or null when the run is over
   */
  Snapshot next(long after, Perturbation previous) throws IOException;
}
