package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.List;

/** Test access to the runner's planning on this machine. */
public final class RunnerAccess {
  private RunnerAccess() {
  }

  public static List<PlannedWorker> plan(String name, HeteroTrainingJobSpec spec) {
    return LocalRunner.plan(name, spec);
  }
}
