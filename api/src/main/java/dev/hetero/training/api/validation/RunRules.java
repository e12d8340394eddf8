package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.CheckpointClaimTemplate;
import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.Defaults;
import dev.hetero.training.api.v1alpha1.DisruptionBudget;
import dev.hetero.training.api.v1alpha1.RestartBackoff;
import dev.hetero.training.api.v1alpha1.RestartBudgets;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Rules for spec.runPolicy and spec.checkpoint. */
final class RunRules {
  private static final Pattern QUANTITY = Pattern.compile(Defaults.QUANTITY_PATTERN);
  private static final String RESTARTS = "spec.runPolicy.restarts.";

  private RunRules() {
  }

  static void runPolicy(RunPolicy r, List<String> problems) {
    if (r == null) {
      return;
    }
    Bounds.check(problems, "spec.runPolicy.backoffLimit", r.backoffLimit(), 0, 1000);
    Bounds.check(problems, "spec.runPolicy.activeDeadlineSeconds", r.activeDeadlineSeconds(), 1, Long.MAX_VALUE);
    Bounds.check(problems, "spec.runPolicy.ttlSecondsAfterFinished", r.ttlSecondsAfterFinished(), 0, Integer.MAX_VALUE);
    RestartBudgets budgets = r.restarts();
    if (budgets == null) {
      return;
    }
    RestartBackoff pod = budgets.podFailure();
    if (pod != null) {
      backoff(RESTARTS + "podFailure", pod.initialBackoffSeconds(), pod.maxBackoffSeconds(), problems);
    }
    disruption(RESTARTS + "nodeLost", budgets.nodeLost(), problems);
    disruption(RESTARTS + "preempted", budgets.preempted(), problems);
  }

  private static void disruption(String field, DisruptionBudget d, List<String> problems) {
    if (d == null) {
      return;
    }
    Bounds.check(problems, field + ".limit", d.limit(), 0, 1000);
    backoff(field, d.initialBackoffSeconds(), d.maxBackoffSeconds(), problems);
  }

  private static void backoff(String field, Integer initial, Integer max, List<String> problems) {
    Bounds.check(problems, field + ".initialBackoffSeconds", initial, 0, 86400);
    Bounds.check(problems, field + ".maxBackoffSeconds", max, 0, 86400);
    if (initial != null && max != null && initial > max) {
      problems.add(field + ".initialBackoffSeconds must not exceed " + field + ".maxBackoffSeconds");
    }
  }

  static void checkpoint(CheckpointSpec c, List<String> problems) {
    if (c == null) {
      return;
    }
    Bounds.check(problems, "spec.checkpoint.everyRounds", c.everyRounds(), 1, 1000000);
    Bounds.check(problems, "spec.checkpoint.terminationGracePeriodSeconds", c.terminationGracePeriodSeconds(), 10, 3600);
    int volumes = (c.persistentVolumeClaim() != null ? 1 : 0) + (c.claimTemplate() != null ? 1 : 0) + (c.emptyDir() != null ? 1 : 0);
    if (volumes > 1) {
      problems.add("spec.checkpoint: set at most one of persistentVolumeClaim, claimTemplate or emptyDir"
          + " (none means a claimTemplate with its defaults)");
    }
    if (c.persistentVolumeClaim() != null) {
      SourceRules.claimName("spec.checkpoint.persistentVolumeClaim.claimName", c.persistentVolumeClaim().claimName(), problems);
    }
    CheckpointClaimTemplate t = c.claimTemplate();
    if (t != null) {
      quantity("spec.checkpoint.claimTemplate.size", t.size(), problems);
      if (t.storageClassName() != null && t.storageClassName().length() > 253) {
        problems.add("spec.checkpoint.claimTemplate.storageClassName: at most 253 characters");
      }
      if (t.accessModes() != null && (t.accessModes().isEmpty() || t.accessModes().size() > 4)) {
        problems.add("spec.checkpoint.claimTemplate.accessModes: between 1 and 4 entries, got " + t.accessModes().size());
      }
    }
    if (c.emptyDir() != null) {
      quantity("spec.checkpoint.emptyDir.sizeLimit", c.emptyDir().sizeLimit(), problems);
    }
  }

  private static void quantity(String field, String value, List<String> problems) {
    if (value != null && !QUANTITY.matcher(value).matches()) {
      problems.add(field + ": must be a Kubernetes quantity such as 1Gi or 500Mi, got '" + value + "'");
    }
  }

  /** The transition rule on spec.checkpoint: a running job keeps its checkpoint volume. */
  static void checkpointUpdate(CheckpointSpec old, CheckpointSpec now, List<String> problems) {
    if (old == null || now == null) {
      return;
    }
    if (!Objects.equals(old.persistentVolumeClaim(), now.persistentVolumeClaim())
        || !Objects.equals(old.claimTemplate(), now.claimTemplate()) || (old.emptyDir() == null) != (now.emptyDir() == null)) {
      problems.add("spec.checkpoint: the checkpoint volume (persistentVolumeClaim, claimTemplate, emptyDir) is immutable:"
          + " a running job would lose its checkpoints");
    }
  }
}
