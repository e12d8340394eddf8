package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one of the three sources is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.path), has(self.persistentVolumeClaim), has(self.http)].filter(x, x).size() == 1",
    message = "spec.dataset.source: set exactly one of path, persistentVolumeClaim or http")
public record DatasetSource(
    @Size(min = 1, max = 4096) @Pattern("^/.*")
    @JsonPropertyDescription("Absolute directory inside the worker container (for example baked into the image or a hostPath) holding the data set's files.")
    String path,

    @JsonPropertyDescription("A PersistentVolumeClaim holding the data set's files; mounted read-only into every worker.")
    ClaimMount persistentVolumeClaim,

    @JsonPropertyDescription("An http(s) URL of the data set's files, downloaded once per worker into its cache and checked against sha256 when given.")
    HttpSource http) {
}
