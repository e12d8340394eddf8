package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.WorkerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trainer marks a worker {@code Straggler} in status.workers when its compute time for the
 * work it is given exceeds {@code spec.allocation.rebalance.stragglerFactor} times the median
 * worker's. Each such row becomes a StragglerDetected Warning keyed by the worker, so while it
 * stays one the reconciles fold into the same Event (its count moves) instead of adding Events.
 * Pure.
 */
final class StragglerEvents {
  private StragglerEvents() {
  }

  static List<JobEvent> of(List<WorkerStatus> workers) {
    List<JobEvent> out = new ArrayList<>();
    if (workers == null) {
      return out;
    }
    for (WorkerStatus w : workers) {
      if ("Straggler".equals(w.phase())) {
        String work = w.batchSize() == null || w.localSteps() == null ? ""
            : " with batch " + w.batchSize() + " x " + w.localSteps() + " local steps";
        String step = w.stepSeconds() == null ? "" : String.format(Locale.ROOT, " (%.4g s per step)", w.stepSeconds());
        out.add(new JobEvent(Reason.StragglerDetected, w.name(), "worker " + w.name() + " falls far behind in round "
            + w.lastRound() + work + step + ": its compute time exceeds spec.allocation.rebalance.stragglerFactor times the"
            + " median worker's"));
      }
    }
    return out;
  }
}
