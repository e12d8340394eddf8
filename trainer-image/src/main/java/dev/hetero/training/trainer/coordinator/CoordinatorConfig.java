package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.ScoreMerge;
import dev.hetero.training.trainer.algo.LearningRateSchedule;
import dev.hetero.training.trainer.algo.StepCostModel;

/**
 * Everything the round loop needs.
 *
 * @param plan the workers and their work, as planned
 * @param includeBuffers whether BatchNorm running statistics are averaged (a job-wide switch)
 * @param candidateRatio top-k sampling: candidates drawn per kept sample
 * @param scoreMerge how loss observations fold into the score table
 * @param bufferMask positions of BatchNorm running statistics in the model vector
 * @param communicationSeconds virtual cost of one model exchange (one per round)
 * @param costModel step costs for a deterministic virtual clock; null charges measured times
 * @param evaluationsPerEpoch evaluations of the averaged model per epoch of the budget
 * @param identity whose run this is: a checkpoint of any other run is refused
 * @param spec the job's spec with defaults applied (the rebalancer sizes work by its rules)
 */
public record CoordinatorConfig(int datasetSize, int epochs, RunningPlan plan, boolean includeBuffers, double candidateRatio,
    ScoreMerge scoreMerge, LearningRateSchedule schedule, long seed, boolean[] bufferMask, double communicationSeconds,
    StepCostModel costModel, int evaluationsPerEpoch, RunIdentity identity, HeteroTrainingJobSpec spec) {
}
