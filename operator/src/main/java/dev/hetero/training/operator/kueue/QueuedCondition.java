package dev.hetero.training.operator.kueue;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.operator.model.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The seventh condition, only on jobs labelled {@code kueue.x-k8s.io/queue-name}: {@code Queued}
 * True while Kueue has not admitted the pod group (its reason and Kueue's message say why), False
 * once it has. A reconcile that did not look at the queue (a suspended or failed job) keeps the
 * previous one as it was. Jobs without the label never carry it. Pure.
 */
public final class QueuedCondition {
  private QueuedCondition() {
  }

  /**
   * @param verdict this reconcile's verdict, or null when it did not reach the queue step
   */
  public static HeteroTrainingJobStatus apply(HeteroTrainingJobStatus next, HeteroTrainingJobStatus previous,
      QueueVerdict verdict, long generation, Instant now) {
    if (next == null) {
      return null;
    }
    List<JobCondition> previousConditions = previous == null ? null : previous.conditions();
    Optional<JobCondition> queued;
    if (verdict != null) {
      queued = Conditions.merge(previousConditions, List.of(new Conditions.Wanted(ConditionType.Queued, verdict.waiting(),
          verdict.reason(), verdict.message())), generation, now).stream().findFirst();
    } else {
      queued = Conditions.find(previousConditions, ConditionType.Queued);
    }
    if (queued.isEmpty()) {
      return next;
    }
    List<JobCondition> conditions = new ArrayList<>();
    if (next.conditions() != null) {
      next.conditions().stream().filter(c -> !ConditionType.Queued.name().equals(c.type())).forEach(conditions::add);
    }
    conditions.add(queued.get());
    return new HeteroTrainingJobStatus(next.observedGeneration(), next.phase(), conditions, next.plan(), next.pools(),
        next.workersReady(), next.training(), next.workers(), next.startTime(), next.completionTime(), next.restartCount(),
        next.restarts(), next.assignments(), next.coordinator());
  }
}
