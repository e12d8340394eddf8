package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.List;

/** Either a plan or a clear "cannot place" listing what is missing. */
public sealed interface PlanResult {

  /** Human-readable notes: ignored labels, clamped batches, capacity sources. */
  List<String> reasons();

  /** Workers in rank order (rank 0 first). */
  record Placed(List<PlannedWorker> workers, List<String> reasons) implements PlanResult {
    public Placed {
      workers = List.copyOf(workers);
      reasons = List.copyOf(reasons);
    }
  }

  /** Nothing is placed; {@code missing} says, per pool or constraint, what would be needed. */
  record Unplaceable(List<String> missing, List<String> reasons) implements PlanResult {
    public Unplaceable {
      missing = List.copyOf(missing);
      reasons = List.copyOf(reasons);
    }

    /** One line for a condition message. */
    public String summary() {
      return String.join("; ", missing);
    }
  }
}
