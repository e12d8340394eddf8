package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.SamplingSpec;
import dev.hetero.training.trainer.algo.LearningRateSchedule;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.algo.WorkerSettings;
import java.util.List;

/**
 * Everything the round loop needs.
 *
 * @param bufferMask positions of BatchNorm running statistics in the model vector
 * @param communicationSeconds virtual cost of one model exchange (one per round)
 * @param costModel step costs for a deterministic virtual clock; null charges measured times
 * @param evaluationsPerEpoch evaluations of the averaged model per epoch of the budget
 */
public record CoordinatorConfig(int datasetSize, int epochs, List<WorkerSettings> workers, AggregationSpec aggregation,
    SamplingSpec sampling, LearningRateSchedule schedule, long seed, boolean[] bufferMask, double communicationSeconds,
    StepCostModel costModel, int evaluationsPerEpoch) {

  public CoordinatorConfig {
    workers = List.copyOf(workers);
    for (int i = 0; i < workers.size(); i++) {
      if (workers.get(i).rank() != i) {
        throw new IllegalArgumentException("workers must be listed by rank 0.." + (workers.size() - 1));
      }
    }
  }
}
