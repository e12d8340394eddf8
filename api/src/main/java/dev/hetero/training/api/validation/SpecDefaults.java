package dev.hetero.training.api.validation;

import static dev.hetero.training.api.v1alpha1.WireNamed.parse;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.BiasedRole;
import dev.hetero.training.api.v1alpha1.CapacitySource;
import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.CleanPodPolicy;
import dev.hetero.training.api.v1alpha1.Defaults;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.LearningRateSpec;
import dev.hetero.training.api.v1alpha1.LocalStepsPolicy;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import dev.hetero.training.api.v1alpha1.SamplingSpec;
import dev.hetero.training.api.v1alpha1.ScoreMerge;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import java.util.List;

/**
 * Fills in every default the CRD schema declares, the way the API server would, plus the few
 * that depend on other fields (gpusPerWorker only for GPU pools, lr milestones). The operator
 * uses it on what it reads (never writing it back into spec), the one-machine runner on the
 * YAML file it is given. Idempotent. Call {@link SpecValidator} first: this class trusts shape.
 */
public final class SpecDefaults {

  private SpecDefaults() {
  }

  public static HeteroTrainingJobSpec apply(HeteroTrainingJobSpec spec) {
    return new HeteroTrainingJobSpec(
        spec.model(),
        spec.dataset(),
        training(spec.training()),
        allocation(spec.allocation()),
        sampling(spec.sampling()),
        aggregation(spec.aggregation()),
        spec.pools() == null ? List.of() : spec.pools().stream().map(SpecDefaults::pool).toList(),
        runPolicy(spec.runPolicy()),
        checkpoint(spec.checkpoint()));
  }

  static TrainingSpec training(TrainingSpec t) {
    return new TrainingSpec(
        or(t.algorithm(), parse(Algorithm.class, Defaults.ALGORITHM)),
        or(t.epochs(), Integer.valueOf(Defaults.EPOCHS)),
        t.batch(),
        optimizer(t.optimizer()),
        learningRate(t.learningRate()),
        or(t.seed(), Long.valueOf(Defaults.SEED)));
  }

  static OptimizerSpec optimizer(OptimizerSpec o) {
    OptimizerSpec in = o == null ? new OptimizerSpec(null, null, null) : o;
    return new OptimizerSpec(
        or(in.momentum(), Double.valueOf(Defaults.MOMENTUM)),
        or(in.weightDecay(), Double.valueOf(Defaults.WEIGHT_DECAY)),
        or(in.nesterov(), Boolean.FALSE));
  }

  static LearningRateSpec learningRate(LearningRateSpec l) {
    LearningRateSpec in = l == null ? new LearningRateSpec(null, null, null) : l;
    return new LearningRateSpec(
        or(in.initial(), Double.valueOf(Defaults.LEARNING_RATE)),
        or(in.milestones(), Defaults.MILESTONES),
        or(in.decayFactor(), Double.valueOf(Defaults.DECAY_FACTOR)));
  }

  static AllocationSpec allocation(AllocationSpec a) {
    AllocationSpec in = a == null ? new AllocationSpec(null, null, null, null) : a;
    LocalStepsSpec steps = in.localSteps() == null ? new LocalStepsSpec(null, null, null) : in.localSteps();
    return new AllocationSpec(
        or(in.capacitySource(), parse(CapacitySource.class, Defaults.CAPACITY_SOURCE)),
        or(in.minBatchPerWorker(), Integer.valueOf(Defaults.MIN_BATCH)),
        or(in.maxBatchPerWorker(), Integer.valueOf(Defaults.MAX_BATCH)),
        new LocalStepsSpec(
            or(steps.policy(), parse(LocalStepsPolicy.class, Defaults.LOCAL_STEPS_POLICY)),
            or(steps.base(), Integer.valueOf(Defaults.LOCAL_STEPS_BASE)),
            or(steps.max(), Integer.valueOf(Defaults.LOCAL_STEPS_MAX))));
  }

  static SamplingSpec sampling(SamplingSpec s) {
    SamplingSpec in = s == null ? new SamplingSpec(null, null, null, null, null) : s;
    return new SamplingSpec(
        or(in.biased(), Boolean.TRUE),
        or(in.role(), parse(BiasedRole.class, Defaults.BIASED_ROLE)),
        or(in.candidateRatio(), Double.valueOf(Defaults.CANDIDATE_RATIO)),
        or(in.scoreMerge(), parse(ScoreMerge.class, Defaults.SCORE_MERGE)),
        or(in.slowCapacityRatio(), Double.valueOf(Defaults.SLOW_CAPACITY_RATIO)));
  }

  static AggregationSpec aggregation(AggregationSpec a) {
    AggregationSpec in = a == null ? new AggregationSpec(null, null, null, null) : a;
    return new AggregationSpec(
        or(in.policy(), parse(AggregationPolicy.class, Defaults.AGGREGATION_POLICY)),
        in.gamma(),
        in.classWeights(),
        or(in.includeBuffers(), Boolean.TRUE));
  }

  static PoolSpec pool(PoolSpec p) {
    return new PoolSpec(
        p.name(),
        p.deviceClass(),
        p.replicas(),
        or(p.minReplicas(), Integer.valueOf(Defaults.MIN_REPLICAS)),
        or(p.maxReplicas(), Integer.valueOf(Defaults.MAX_REPLICAS)),
        p.deviceClass() == DeviceClass.GPU ? or(p.gpusPerWorker(), Defaults.GPUS_PER_WORKER) : p.gpusPerWorker(),
        or(p.cpusPerWorker(), Integer.valueOf(Defaults.CPUS_PER_WORKER)),
        p.capacityPerWorker(),
        or(p.simulatedSlowdown(), Double.valueOf(Defaults.SIMULATED_SLOWDOWN)),
        p.nodeSelector(),
        p.tolerations(),
        p.resources(),
        p.image());
  }

  static RunPolicy runPolicy(RunPolicy r) {
    RunPolicy in = r == null ? new RunPolicy(null, null, null, null, null) : r;
    return new RunPolicy(
        or(in.suspend(), Boolean.FALSE),
        or(in.backoffLimit(), Integer.valueOf(Defaults.BACKOFF_LIMIT)),
        in.activeDeadlineSeconds(),
        in.ttlSecondsAfterFinished(),
        or(in.cleanPodPolicy(), parse(CleanPodPolicy.class, Defaults.CLEAN_POD_POLICY)));
  }

  static CheckpointSpec checkpoint(CheckpointSpec c) {
    CheckpointSpec in = c == null ? new CheckpointSpec(null, null) : c;
    return new CheckpointSpec(
        or(in.everyRounds(), Integer.valueOf(Defaults.CHECKPOINT_EVERY_ROUNDS)),
        in.persistentVolumeClaim());
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
