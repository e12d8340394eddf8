package dev.hetero.training.api.v1alpha1;

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
    @JsonPropertyDescription("Worker pod restarts allowed (all reasons together) before the job fails.")
    Integer backoffLimit,

    @Min(1)
    @JsonPropertyDescription("Seconds from start after which a job still running fails with reason DeadlineExceeded.")
    Long activeDeadlineSeconds,

    @Min(0)
    @JsonPropertyDescription("Seconds after the end (Succeeded or Failed) after which the job and its children are deleted.")
    Integer ttlSecondsAfterFinished,

    @Default(Defaults.CLEAN_POD_POLICY)
    @JsonPropertyDescription("Pods deleted at the end: Running (still-running workers), All, or None.")
    CleanPodPolicy cleanPodPolicy) {
}
