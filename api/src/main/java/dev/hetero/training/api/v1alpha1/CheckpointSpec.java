package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointSpec(
    @Default(Defaults.CHECKPOINT_EVERY_ROUNDS) @Min(1) @Max(1000000)
    @JsonPropertyDescription("The coordinator writes a checkpoint (model, round, sampler scores, RNG state) every this many rounds.")
    Integer everyRounds,

    @JsonPropertyDescription("PersistentVolumeClaim for checkpoints, mounted into the coordinator; without it checkpoints live in an emptyDir and are lost with the pod.")
    ClaimMount persistentVolumeClaim) {
}
