package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import java.util.List;

/** Rules for spec.runPolicy and spec.checkpoint. */
final class RunRules {

  private RunRules() {
  }

  static void runPolicy(RunPolicy r, List<String> problems) {
    if (r == null) {
      return;
    }
    Bounds.check(problems, "spec.runPolicy.backoffLimit", r.backoffLimit(), 0, 1000);
    Bounds.check(problems, "spec.runPolicy.activeDeadlineSeconds", r.activeDeadlineSeconds(), 1, Long.MAX_VALUE);
    Bounds.check(problems, "spec.runPolicy.ttlSecondsAfterFinished", r.ttlSecondsAfterFinished(), 0, Integer.MAX_VALUE);
  }

  static void checkpoint(CheckpointSpec c, List<String> problems) {
    if (c == null) {
      return;
    }
    Bounds.check(problems, "spec.checkpoint.everyRounds", c.everyRounds(), 1, 1000000);
  }
}
