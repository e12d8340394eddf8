package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** An emptyDir for checkpoints: lost with the coordinator's pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointEmptyDir(
    @Pattern(Defaults.QUANTITY_PATTERN)
    @JsonPropertyDescription("Size limit of the emptyDir, a Kubernetes quantity (e.g. 256Mi); absent: no limit.")
    String sizeLimit) {
}
