package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestartRecord(
    @JsonPropertyDescription("Why workers were restarted: PodFailed, OOMKilled (cause PodFailure); NodeLost (cause NodeLost); Evicted, PodDeleted,"
        + " StoppedOnRequest (exited 75 after checkpointing on a SIGTERM the operator did not send), Preempted or EvictedByKueue"
        + " (Kueue evicted the job's pod group, one per eviction) (cause Preempted).")
    String reason,
    @JsonPropertyDescription("Restarts for this reason.")
    Integer count,
    @JsonPropertyDescription("Worker restarted last for this reason.")
    String lastWorker,
    @JsonPropertyDescription("When (RFC 3339).")
    String lastTime,
    @JsonPropertyDescription("The budget this reason counts against: PodFailure, NodeLost or Preempted.")
    RestartCause cause,
    @JsonPropertyDescription("Restarts of this cause so far, all its reasons together.")
    Integer causeCount,
    @JsonPropertyDescription("The cause's bound (runPolicy.backoffLimit, runPolicy.restarts.nodeLost.limit or"
        + " runPolicy.restarts.preempted.limit): the job fails when causeCount exceeds it.")
    Integer limit) {

  @JsonCreator
  public RestartRecord {
  }

  /** A record without its cause (a writer that does not count per cause yet). */
  public RestartRecord(String reason, Integer count, String lastWorker, String lastTime) {
    this(reason, count, lastWorker, lastTime, null, null, null);
  }
}
