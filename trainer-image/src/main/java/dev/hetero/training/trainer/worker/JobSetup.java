package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.trainer.algo.AlgorithmPolicy;
import dev.hetero.training.trainer.algo.LearningRateSchedule;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.algo.WorkerSettings;
import java.util.List;

/** Turns a plan document into the coordinator's configuration (pure). */
public final class JobSetup {
  private JobSetup() {
  }

  public static HeteroTrainingJobSpec spec(PlanDocument plan) {
    return SpecDefaults.apply(plan.spec());
  }

  public static LearningRateSchedule schedule(HeteroTrainingJobSpec spec) {
    var lr = spec.training().learningRate();
    return new LearningRateSchedule(lr.initial(), lr.milestones(), lr.decayFactor());
  }

  public static CoordinatorConfig coordinatorConfig(PlanDocument plan, int datasetSize, boolean[] bufferMask,
      double communicationSeconds, StepCostModel costModel, int evaluationsPerEpoch) {
    HeteroTrainingJobSpec spec = spec(plan);
    List<WorkerSettings> workers = AlgorithmPolicy.workers(spec, plan.workers());
    return new CoordinatorConfig(datasetSize, spec.training().epochs(), workers, AlgorithmPolicy.aggregation(spec),
        spec.sampling(), schedule(spec), spec.training().seed(), bufferMask, communicationSeconds, costModel,
        evaluationsPerEpoch);
  }
}
