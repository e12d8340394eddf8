package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.contract.PlanDocument;
import java.util.Optional;

/** Where a live re-plan comes from: polled by the coordinator at every round boundary. */
public interface PlanSource {
  /** The new plan document when a newer version appeared since the last call. */
  Optional<PlanDocument> poll();

  PlanSource NONE = Optional::empty;
}
