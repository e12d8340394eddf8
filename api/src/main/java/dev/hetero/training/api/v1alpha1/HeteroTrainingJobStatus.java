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

    @JsonPropertyDescription("Pending, Planned, Running, Suspended, Unschedulable, Succeeded, Failed, or Queued (waiting for Kueue to admit the job).")
    JobPhase phase,

    @Size(max = 16)
    @JsonPropertyDescription("Latest observations, one per type: Planned, Pending, Running, Degraded, CoordinatorReady,"
        + " CheckpointReady, Suspended, Succeeded, Failed, Unschedulable; Queued on jobs labelled kueue.x-k8s.io/queue-name.")
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

    @JsonPropertyDescription("Worker restarts so far, every cause in restarts together except Kueue's evictions (Preempted, EvictedByKueue: Kueue took the pods back, not the workers' fault); each cause is also bounded on its own (restarts).")
    Integer restartCount,

    @Size(max = 32)
    @JsonPropertyDescription("Worker restarts per reason, each with the cause it counts against and that cause's count and bound.")
    List<RestartRecord> restarts,

    @Size(max = 1025)
    @JsonPropertyDescription("For kubectl describe (which prints status fields in alphabetical order, so this table comes"
        + " first): a header line, then one line per planned worker joining the plan (node, device, capacity, batch, local"
        + " steps, weight) with the trainer's measured samples/s and last round and the worker's state. Written by the"
        + " operator; the precise values are in plan and workers.")
    List<String> assignments,

    @JsonPropertyDescription("The coordinator (rank 0) incarnation the operator has seen report: its pod, when it started"
        + " and the checkpoint round it resumed from. A new pod of the coordinator makes status.training stale until the"
        + " new coordinator reports (condition CoordinatorReady).")
    CoordinatorStatus coordinator) {

  /** A status without the describe table and the coordinator record. */
  public HeteroTrainingJobStatus(Long observedGeneration, JobPhase phase, List<JobCondition> conditions,
      List<PlannedWorker> plan, List<PoolStatus> pools, String workersReady, TrainingProgress training,
      List<WorkerStatus> workers, String startTime, String completionTime, Integer restartCount,
      List<RestartRecord> restarts) {
    this(observedGeneration, phase, conditions, plan, pools, workersReady, training, workers, startTime, completionTime,
        restartCount, restarts, null, null);
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public HeteroTrainingJobStatus {
    conditions = conditions == null ? null : List.copyOf(conditions);
    plan = plan == null ? null : List.copyOf(plan);
    pools = pools == null ? null : List.copyOf(pools);
    workers = workers == null ? null : List.copyOf(workers);
    restarts = restarts == null ? null : List.copyOf(restarts);
    assignments = assignments == null ? null : List.copyOf(assignments);
  }
}
