package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimMount(
    @Required @Size(min = 1, max = 253) @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of a PersistentVolumeClaim in the job's namespace.")
    String claimName,

    @Size(max = 1024) @Pattern("^[^/].*$|^$")
    @JsonPropertyDescription("Relative directory inside the volume; empty means the volume's root.")
    String subPath) {
}
