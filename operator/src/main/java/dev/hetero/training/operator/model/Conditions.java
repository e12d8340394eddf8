package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.ConditionType;
import dev.hetero.training.api.v1alpha1.JobCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** metav1.Condition bookkeeping: one condition per type; lastTransitionTime moves only when status does. */
public final class Conditions {
  private Conditions() {
  }

  /** A wanted condition, before times and generations are attached. */
  public record Wanted(ConditionType type, boolean status, Reason reason, String message) {
  }

  public static List<JobCondition> merge(List<JobCondition> previous, List<Wanted> wanted, long generation, Instant now) {
    List<JobCondition> result = new ArrayList<>();
    for (Wanted w : wanted) {
      String status = w.status() ? "True" : "False";
      String transition = find(previous, w.type())
          .filter(p -> status.equals(p.status()))
          .map(JobCondition::lastTransitionTime)
          .orElse(now.toString());
      result.add(new JobCondition(w.type().name(), status, generation, transition, w.reason().name(), bounded(w.message())));
    }
    return result;
  }

  public static Optional<JobCondition> find(List<JobCondition> conditions, ConditionType type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.name().equals(c.type())).findFirst();
  }

  public static boolean isTrue(List<JobCondition> conditions, ConditionType type) {
    return find(conditions, type).map(c -> "True".equals(c.status())).orElse(false);
  }

  /** True when the condition of this type is True with this reason. */
  public static boolean isTrueBecause(List<JobCondition> conditions, ConditionType type, Reason reason) {
    return find(conditions, type).map(c -> "True".equals(c.status()) && reason.name().equals(c.reason())).orElse(false);
  }

  /** The message of the condition of this type, if there is one. */
  public static Optional<String> message(List<JobCondition> conditions, ConditionType type) {
    return find(conditions, type).map(JobCondition::message);
  }

  /** The schema caps messages at 32768 characters; stay well below. */
  static String bounded(String message) {
    if (message == null) {
      return "";
    }
    return message.length() <= 4000 ? message : message.substring(0, 3990) + " ...";
  }
}
