package dev.hetero.training.operator.reconciler;

import dev.hetero.training.operator.model.Reason;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A failure that keeps a job from progressing, typed by the reason shown for it. Thrown at the
 * I/O edges (the dependent workflow, pod and job requests) and caught in one place, the
 * reconcile, which turns it into the Running condition's reason, a Warning event and a retry
 * (Flink's controller does the same with its ReconciliationException).
 */
public class JobException extends RuntimeException {
  private final Reason reason;

  public JobException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** An API request that failed for another reason than the ones its caller handles (404, 409). */
  public static JobException apiRequest(String what, KubernetesClientException e) {
    String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    return new JobException(Reason.ApiRequestFailed, what + ": HTTP " + e.getCode() + ": " + detail, e);
  }
}
