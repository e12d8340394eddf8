package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Two writers, two field managers: the operator owns everything but {@code training} and
 * {@code workers}, which the trainer's coordinator writes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeteroTrainingJobStatus(
    @JsonPropertyDescription("The .metadata.generation this status was computed from.")
    Long observedGeneration,

    @JsonPropertyDescription("Pending, Planned, Running, Suspended, Unschedulable, Succeeded or Failed.")
    JobPhase phase,

    @Size(max = 16)
    @JsonPropertyDescription("Latest observations, one per type: Planned, Running, Suspended, Succeeded, Failed, Unschedulable.")
    List<JobCondition> conditions,

    @Size(max = 1024)
    @JsonPropertyDescription("The current plan: which worker runs on which node with which batch, local steps and weight.")
    List<PlannedWorker> plan,

    @Size(max = 16)
    @JsonPropertyDescription("Per-pool counts: planned, ready and failed workers, and capacity.")
    List<PoolStatus> pools,

    @JsonPropertyDescription("Ready worker pods / planned workers, e.g. 3/4 (for display).")
    String workersReady,

    @JsonPropertyDescription("Training progress reported by the coordinator.")
    TrainingProgress training,

    @Size(max = 1024)
    @JsonPropertyDescription("Per-worker progress reported by the coordinator.")
    List<WorkerStatus> workers,

    @JsonPropertyDescription("When the first worker pods were created (RFC 3339).")
    String startTime,

    @JsonPropertyDescription("When the job succeeded or failed (RFC 3339).")
    String completionTime,

    @JsonPropertyDescription("Worker restarts so far, all reasons together (bounded by runPolicy.backoffLimit).")
    Integer restartCount,

    @Size(max = 32)
    @JsonPropertyDescription("Worker restarts per reason.")
    List<RestartRecord> restarts) {

  public HeteroTrainingJobStatus {
    conditions = conditions == null ? null : List.copyOf(conditions);
    plan = plan == null ? null : List.copyOf(plan);
    pools = pools == null ? null : List.copyOf(pools);
    workers = workers == null ? null : List.copyOf(workers);
    restarts = restarts == null ? null : List.copyOf(restarts);
  }
}
