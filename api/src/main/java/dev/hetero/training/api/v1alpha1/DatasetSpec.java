package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetSpec(
    @Required @JsonPropertyDescription("Data set: fashion-mnist, mnist (IDX files, raw or .gz) or cifar10 (binary batches).")
    DatasetName name,

    @Required @JsonPropertyDescription("Where the workers read the files from: exactly one of path, persistentVolumeClaim or http.")
    DatasetSource source) {
}
