package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.planner.AlgorithmRules;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.trainer.algo.LearningRateSchedule;
import dev.hetero.training.trainer.algo.StepCostModel;

/** Turns a plan document into the coordinator's configuration (pure). */
public final class JobSetup {
  /** Top-k sampling draws this many candidates per kept sample unless spec.sampling says otherwise. */
  static final double DEFAULT_CANDIDATE_RATIO = 4.0;

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
    var sampling = spec.sampling();
    double ratio = sampling == null || sampling.candidateRatio() == null ? DEFAULT_CANDIDATE_RATIO : sampling.candidateRatio();
    return new CoordinatorConfig(datasetSize, spec.training().epochs(), RunningPlan.of(plan), AlgorithmRules.includeBuffers(spec),
        ratio, sampling == null ? null : sampling.scoreMerge(), schedule(spec), spec.training().seed(), bufferMask,
        communicationSeconds, costModel, evaluationsPerEpoch, identity(plan, spec, bufferMask.length, datasetSize), spec);
  }

  /** The run's identity: the job, the model and the data set as planned, and the seed. */
  static RunIdentity identity(PlanDocument plan, HeteroTrainingJobSpec spec, int modelSize, int datasetSize) {
    return new RunIdentity(plan.namespace(), plan.jobName(), spec.model().name().wireName(), modelSize,
        spec.dataset().name().wireName(), datasetSize, spec.training().seed());
  }
}
