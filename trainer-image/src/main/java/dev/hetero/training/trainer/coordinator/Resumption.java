package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.trainer.algo.ScoreTable;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * Where a coordinator starts: the newest valid checkpoint of this very run, or round 0. A
 * checkpoint of another job or model is refused (never skipped: the volume is then not this job's,
 * and writing over it would destroy another run's state).
 */
final class Resumption {
  private Resumption() {
  }

  /** The state to resume from, checked against this run's identity and fitted to its world size; empty: start fresh. */
  static Optional<RunState> saved(Checkpoints checkpoints, CoordinatorConfig config, int workers, PrintStream log)
      throws IOException {
    Optional<Checkpoints.Loaded> loaded = checkpoints == null ? Optional.empty() : checkpoints.loadLatest();
    if (loaded.isEmpty()) {
      return Optional.empty();
    }
    RunState s = loaded.get().state();
    List<String> differences = s.identity().differences(config.identity());
    if (!differences.isEmpty()) {
      throw new IncompatibleCheckpointException("checkpoint " + loaded.get().name() + " (round " + s.round() + ") in "
          + checkpoints.location() + " belongs to another job or model; refusing to resume from it: "
          + String.join(", ", differences) + ". Give this job its own checkpoint volume, or empty this one to start from"
          + " round 0.");
    }
    s = s.withIdentity(config.identity());
    if (s.workerStates().length != workers) {
      if (s.workerStates().length > 0) {
        log.println("coordinator: the checkpoint holds state for " + s.workerStates().length + " workers, this run has " + workers
            + "; ranks beyond " + (Math.min(workers, s.workerStates().length) - 1) + " start with zero momentum");
      }
      s = s.forWorkers(workers);
    }
    if (loaded.get().formatVersion() < 2) {
      log.println("coordinator: " + loaded.get().name() + " is a format-version-" + loaded.get().formatVersion()
          + " checkpoint: checked by seed, model size and data-set size only; no worker's optimizer state in it");
    }
    log.println("coordinator: resumed from the checkpoint of round " + s.round() + " (" + s.samples() + " samples, accuracy "
        + s.evaluations().lastAccuracy() + ", optimizer state of " + s.savedWorkerStates() + " of " + workers + " workers)");
    return Optional.of(s.scores() != null ? s : s.withScores(new ScoreTable(config.datasetSize())));
  }
}
