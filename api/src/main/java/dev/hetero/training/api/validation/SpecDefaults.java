package dev.hetero.training.api.validation;

import static dev.hetero.training.api.v1alpha1.WireNamed.parse;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.AsyncSamSpec;
import dev.hetero.training.api.v1alpha1.BiasedRole;
import dev.hetero.training.api.v1alpha1.CapacitySource;
import dev.hetero.training.api.v1alpha1.CheckpointClaimTemplate;
import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.ClaimDeletionPolicy;
import dev.hetero.training.api.v1alpha1.CleanPodPolicy;
import dev.hetero.training.api.v1alpha1.Defaults;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DeviceClaimSpec;
import dev.hetero.training.api.v1alpha1.DeviceFallback;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.LearningRateSpec;
import dev.hetero.training.api.v1alpha1.LocalStepsPolicy;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.RebalanceSpec;
import dev.hetero.training.api.v1alpha1.RestartBackoff;
import dev.hetero.training.api.v1alpha1.RestartBudgets;
import dev.hetero.training.api.v1alpha1.DisruptionBudget;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import dev.hetero.training.api.v1alpha1.SamplingSpec;
import dev.hetero.training.api.v1alpha1.ScoreMerge;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/**
 * Fills in every default the CRD schema declares, the way the API server would, plus the few
 * that depend on other fields or are lists (gpusPerWorker only for GPU pools, lr milestones, a
 * checkpoint claim template when no checkpoint volume is given, its access modes). The operator
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
        or(in.nesterov(), Boolean.FALSE),
        or(in.method(), parse(OptimizerMethod.class, Defaults.OPTIMIZER_METHOD)),
        or(in.rho(), Double.valueOf(Defaults.SAM_RHO)),
        asyncSam(in.asyncSAM()));
  }

  static AsyncSamSpec asyncSam(AsyncSamSpec a) {
    if (a == null) {
      return null;
    }
    return new AsyncSamSpec(
        a.helperPool(),
        or(a.staleness(), Integer.valueOf(Defaults.ASYNC_SAM_STALENESS)),
        or(a.perturbationBatch(), new IntOrString(Defaults.ASYNC_SAM_PERTURBATION_BATCH)));
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
            or(steps.max(), Integer.valueOf(Defaults.LOCAL_STEPS_MAX))),
        rebalance(in.rebalance()));
  }

  static RebalanceSpec rebalance(RebalanceSpec r) {
    RebalanceSpec in = r == null ? new RebalanceSpec(null, null, null, null, null) : r;
    return new RebalanceSpec(
        or(in.enabled(), Boolean.valueOf(Defaults.REBALANCE_ENABLED)),
        or(in.deadBand(), Double.valueOf(Defaults.REBALANCE_DEAD_BAND)),
        or(in.damping(), Double.valueOf(Defaults.REBALANCE_DAMPING)),
        or(in.stragglerFactor(), Double.valueOf(Defaults.STRAGGLER_FACTOR)),
        or(in.leaveOutStragglers(), Boolean.valueOf(Defaults.LEAVE_OUT_STRAGGLERS)));
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
        p.image(),
        or(p.deviceFallback(), parse(DeviceFallback.class, Defaults.DEVICE_FALLBACK)),
        p.deviceClaim() == null ? null : new DeviceClaimSpec(or(p.deviceClaim().deviceClassName(), Defaults.DEVICE_CLASS_NAME)));
  }

  static RunPolicy runPolicy(RunPolicy r) {
    RunPolicy in = r == null ? new RunPolicy(null, null, null, null, null) : r;
    return new RunPolicy(
        or(in.suspend(), Boolean.FALSE),
        or(in.backoffLimit(), Integer.valueOf(Defaults.BACKOFF_LIMIT)),
        in.activeDeadlineSeconds(),
        in.ttlSecondsAfterFinished(),
        or(in.cleanPodPolicy(), parse(CleanPodPolicy.class, Defaults.CLEAN_POD_POLICY)),
        restarts(in.restarts()),
        or(in.elastic(), Boolean.FALSE));
  }

  static RestartBudgets restarts(RestartBudgets r) {
    RestartBudgets in = r == null ? new RestartBudgets(null, null, null) : r;
    RestartBackoff pod = in.podFailure() == null ? new RestartBackoff(null, null) : in.podFailure();
    return new RestartBudgets(
        new RestartBackoff(
            or(pod.initialBackoffSeconds(), Integer.valueOf(Defaults.POD_FAILURE_BACKOFF_SECONDS)),
            or(pod.maxBackoffSeconds(), Integer.valueOf(Defaults.POD_FAILURE_MAX_BACKOFF_SECONDS))),
        disruption(in.nodeLost()),
        disruption(in.preempted()));
  }

  static DisruptionBudget disruption(DisruptionBudget d) {
    DisruptionBudget in = d == null ? new DisruptionBudget(null, null, null) : d;
    return new DisruptionBudget(
        or(in.limit(), Integer.valueOf(Defaults.DISRUPTION_LIMIT)),
        or(in.initialBackoffSeconds(), Integer.valueOf(Defaults.DISRUPTION_BACKOFF_SECONDS)),
        or(in.maxBackoffSeconds(), Integer.valueOf(Defaults.DISRUPTION_MAX_BACKOFF_SECONDS)));
  }

  /** No volume given means an operator-created claim: the one default that depends on the sibling fields. */
  static CheckpointSpec checkpoint(CheckpointSpec c) {
    CheckpointSpec in = c == null ? new CheckpointSpec(null, null, null, null, null) : c;
    boolean noVolume = in.persistentVolumeClaim() == null && in.claimTemplate() == null && in.emptyDir() == null;
    return new CheckpointSpec(
        or(in.everyRounds(), Integer.valueOf(Defaults.CHECKPOINT_EVERY_ROUNDS)),
        in.persistentVolumeClaim(),
        noVolume || in.claimTemplate() != null ? claimTemplate(in.claimTemplate()) : null,
        in.emptyDir(),
        or(in.terminationGracePeriodSeconds(), Integer.valueOf(Defaults.TERMINATION_GRACE_SECONDS)));
  }

  static CheckpointClaimTemplate claimTemplate(CheckpointClaimTemplate t) {
    CheckpointClaimTemplate in = t == null ? new CheckpointClaimTemplate(null, null, null, null) : t;
    return new CheckpointClaimTemplate(
        or(in.size(), Defaults.CHECKPOINT_CLAIM_SIZE),
        in.storageClassName(),
        or(in.accessModes(), Defaults.CLAIM_ACCESS_MODES),
        or(in.whenDeleted(), parse(ClaimDeletionPolicy.class, Defaults.CLAIM_WHEN_DELETED)));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
