package dev.hetero.training.trainer.worker;

import dev.hetero.training.trainer.algo.WorkerSettings;
import java.util.List;

/** Where a live re-plan comes from: polled by the coordinator at every round boundary. */
public interface PlanSource {
  /** The new workers' settings when the plan changed since the last call, else null. */
  List<WorkerSettings> poll();
}
