package dev.hetero.training.operator.kueue;

import dev.hetero.training.operator.model.Times;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What this operator reads of a Kueue Workload ({@code kueue.x-k8s.io/v1beta2}): its conditions
 * and the ClusterQueue that admitted it. Parsed leniently from the generic resource: Kueue's API is
 * not compiled in, and a field this version does not know is simply absent.
 */
public record WorkloadView(String name, boolean deleting, String queueName, String clusterQueue,
    List<Condition> conditions) {

  /** A metav1.Condition of the Workload. */
  public record Condition(String type, boolean status, String reason, String message, Instant lastTransitionTime) {
  }

  public static final String QUOTA_RESERVED = "QuotaReserved";
  public static final String ADMITTED = "Admitted";
  public static final String EVICTED = "Evicted";
  public static final String FINISHED = "Finished";

  public WorkloadView {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }

  public boolean isTrue(String type) {
    return condition(type).map(Condition::status).orElse(false);
  }

  @SuppressWarnings("unchecked")
  public static WorkloadView of(GenericKubernetesResource workload) {
    Map<String, Object> spec = map(workload.getAdditionalProperties().get("spec"));
    Map<String, Object> status = map(workload.getAdditionalProperties().get("status"));
    Map<String, Object> admission = map(status.get("admission"));
    List<Condition> conditions = new java.util.ArrayList<>();
    Object raw = status.get("conditions");
    if (raw instanceof List<?> list) {
      for (Object item : list) {
        Map<String, Object> c = map(item);
        if (c.get("type") == null) {
          continue;
        }
        conditions.add(new Condition(String.valueOf(c.get("type")), "True".equals(c.get("status")), string(c.get("reason")),
            string(c.get("message")), Times.parse(string(c.get("lastTransitionTime")), null)));
      }
    }
    return new WorkloadView(workload.getMetadata().getName(), workload.getMetadata().getDeletionTimestamp() != null,
        string(spec.get("queueName")), string(admission.get("clusterQueue")), conditions);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String string(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
