package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record SamplingSpec(
    @Default("true")
    @JsonPropertyDescription("Loss-based top-k sampling for the biased role's workers (biasedLocalSGD only); false samples uniformly everywhere.")
    Boolean biased,

    @Default(Defaults.BIASED_ROLE)
    @JsonPropertyDescription("Which workers get the highest-loss samples: slow (reference code) or fast.")
    BiasedRole role,

    @Default(Defaults.CANDIDATE_RATIO) @Min(1) @Max(64)
    @JsonPropertyDescription("Candidates drawn per sample kept: r x demand samples are drawn uniformly and the demand highest-loss ones kept.")
    Double candidateRatio,

    @Default(Defaults.SCORE_MERGE)
    @JsonPropertyDescription("How workers' per-sample loss tables merge at shuffle boundaries: min (element-wise minimum) or latest.")
    ScoreMerge scoreMerge,

    @Default(Defaults.SLOW_CAPACITY_RATIO) @Min(value = 0, inclusive = false) @Max(1)
    @JsonPropertyDescription("A worker is slow when its capacity is at most this fraction of the fastest worker's capacity.")
    Double slowCapacityRatio) {
}
