package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where and how often the coordinator saves its run state, and how long it has to save it when
 * asked to stop. At most one volume is given; none means a claim template with its defaults
 * (a claim the operator creates in the cluster's default StorageClass). That default cannot be a
 * schema default (the API server would then add a template next to an explicit claim), so
 * {@link dev.hetero.training.api.validation.SpecDefaults} applies it, as the operator reads the spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.persistentVolumeClaim), has(self.claimTemplate), has(self.emptyDir)].filter(x, x).size() <= 1",
    message = "spec.checkpoint: set at most one of persistentVolumeClaim, claimTemplate or emptyDir"
        + " (none means a claimTemplate with its defaults)")
@ValidationRule(value = "has(self.persistentVolumeClaim) == has(oldSelf.persistentVolumeClaim)"
    + " && has(self.claimTemplate) == has(oldSelf.claimTemplate) && has(self.emptyDir) == has(oldSelf.emptyDir)"
    + " && (!has(self.persistentVolumeClaim) || self.persistentVolumeClaim == oldSelf.persistentVolumeClaim)"
    + " && (!has(self.claimTemplate) || self.claimTemplate == oldSelf.claimTemplate)",
    message = "spec.checkpoint: the checkpoint volume (persistentVolumeClaim, claimTemplate, emptyDir) is immutable:"
        + " a running job would lose its checkpoints")
public record CheckpointSpec(
    @Default(Defaults.CHECKPOINT_EVERY_ROUNDS) @Min(1) @Max(1000000)
    @JsonPropertyDescription("The coordinator writes a checkpoint (model, every worker's optimizer state, round, shards,"
        + " sampler scores, RNG state, plan version) every this many rounds, and at the end of the run. A coordinator"
        + " killed without warning loses at most this many rounds; one stopped with SIGTERM loses none.")
    Integer everyRounds,

    @JsonPropertyDescription("An existing PersistentVolumeClaim for checkpoints, mounted into the coordinator; it outlives"
        + " the job. Exclusive with claimTemplate and emptyDir.")
    ClaimMount persistentVolumeClaim,

    @JsonPropertyDescription("A PersistentVolumeClaim the operator creates for this job and owns. The default when no volume"
        + " is given. Exclusive with persistentVolumeClaim and emptyDir.")
    CheckpointClaimTemplate claimTemplate,

    @JsonPropertyDescription("Keep checkpoints in an emptyDir of the coordinator's pod: they survive a restart of the"
        + " coordinator's container but are LOST with the pod (deletion, eviction, node loss), and training then starts"
        + " again from round 0. Exclusive with persistentVolumeClaim and claimTemplate.")
    CheckpointEmptyDir emptyDir,

    @Default(Defaults.TERMINATION_GRACE_SECONDS) @Min(10) @Max(3600)
    @JsonPropertyDescription("The coordinator pod's terminationGracePeriodSeconds: on SIGTERM (preemption, node drain,"
        + " suspend, deletion) the coordinator ends the current round within 70 % of it (workers not in by then are left"
        + " out of that round), checkpoints, stops the workers and exits with code 75 before the kubelet kills it.")
    Integer terminationGracePeriodSeconds) {
}
