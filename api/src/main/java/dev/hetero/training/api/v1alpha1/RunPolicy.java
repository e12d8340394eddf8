package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunPolicy(
    @Default("false")
    @JsonPropertyDescription("true deletes the worker pods and keeps everything else; false again re-plans and recreates them.")
    Boolean suspend,

    @Default(Defaults.BACKOFF_LIMIT) @Min(0) @Max(1000)
    @JsonPropertyDescription("Worker pod restarts after a pod failure (a container that exited non-zero, other than the"
        + " trainer's 75 'stopped on request', or was OOM-killed) allowed before the job fails with BackoffLimitExceeded"
        + " (NoCudaDevice when that last failure was a GPU worker that found no CUDA device, exit 69)."
        + " Node loss and preemption have their own budgets under restarts.")
    Integer backoffLimit,

    @Min(1)
    @JsonPropertyDescription("Seconds from start after which a job still running fails with reason DeadlineExceeded.")
    Long activeDeadlineSeconds,

    @Min(0)
    @JsonPropertyDescription("Seconds after the end (Succeeded or Failed) after which the job and its children are deleted.")
    Integer ttlSecondsAfterFinished,

    @Default(Defaults.CLEAN_POD_POLICY)
    @JsonPropertyDescription("Pods deleted at the end: Running (still-running workers), All, or None.")
    CleanPodPolicy cleanPodPolicy,

    @Default("{}")
    @JsonPropertyDescription("Restart budget and backoff per cause: pod failure (bounded by backoffLimit), node loss,"
        + " preemption. Each cause is counted and bounded on its own (status.restarts).")
    RestartBudgets restarts,

    @Default("false")
    @JsonPropertyDescription("true: while the job runs, its auto pools (replicas unset) grow when schedulable capacity"
        + " appears, up to maxReplicas, and new workers join at a round boundary without restarting the others; shrinking"
        + " on node loss down to minReplicas never restarts the survivors, elastic or not. Not for queued (Kueue) jobs,"
        + " whose pod group is admitted whole: there it is ignored.")
    Boolean elastic) {

  @JsonCreator
  public RunPolicy {
  }

  /** The run policy without per-cause budgets (they then take their schema defaults). */
  public RunPolicy(Boolean suspend, Integer backoffLimit, Long activeDeadlineSeconds, Integer ttlSecondsAfterFinished,
      CleanPodPolicy cleanPodPolicy) {
    this(suspend, backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished, cleanPodPolicy, null);
  }

  /** The run policy of a job whose pools do not grow while it runs (elastic then takes its schema default). */
  public RunPolicy(Boolean suspend, Integer backoffLimit, Long activeDeadlineSeconds, Integer ttlSecondsAfterFinished,
      CleanPodPolicy cleanPodPolicy, RestartBudgets restarts) {
    this(suspend, backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished, cleanPodPolicy, restarts, null);
  }
}
