package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.BiasedRole;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import dev.hetero.training.api.v1alpha1.SampleSelection;
import dev.hetero.training.api.v1alpha1.WorkerRole;

/**
 * What each algorithm means for one worker's work, in one place (the planner applies it; the
 * trainer only reads the plan):
 * <ul>
 *   <li>syncSGD: one step per round, models averaged with weights proportional to batch. With
 *       plain SGD + momentum + L2 decay that is exactly synchronous SGD on the batch-weighted
 *       mean gradient: every worker starts the step from the same model and the update is
 *       linear in gradient and momentum;</li>
 *   <li>localSGD: the planned batch and local steps, uniform weights, uniform sampling;</li>
 *   <li>biasedLocalSGD: the planned batch and local steps, the job's aggregation policy, and
 *       loss-based sampling for the workers of {@code spec.sampling.role} when
 *       {@code spec.sampling.biased}.</li>
 * </ul>
 * and, for every algorithm, each training worker's update rule: {@code spec.training.optimizer.method}
 * (sgd or sam on every worker; with asyncSAM the helper pool's workers do not train, and
 * {@link AscentPairing} decides which worker each helps; the others run sgd).
 */
public final class AlgorithmRules {
  private AlgorithmRules() {
  }

  /** The aggregation the algorithm applies (syncSGD and localSGD ignore spec.aggregation's policy). */
  public static AggregationSpec aggregation(HeteroTrainingJobSpec spec) {
    boolean includeBuffers = spec.aggregation() == null || !Boolean.FALSE.equals(spec.aggregation().includeBuffers());
    return switch (spec.training().algorithm()) {
      case SYNC_SGD -> new AggregationSpec(AggregationPolicy.WORK_PROPORTIONAL, null, null, includeBuffers);
      case LOCAL_SGD -> new AggregationSpec(AggregationPolicy.UNIFORM, null, null, includeBuffers);
      case BIASED_LOCAL_SGD -> spec.aggregation();
    };
  }

  /** How a worker of the given role picks its samples. */
  public static SampleSelection sampling(HeteroTrainingJobSpec spec, WorkerRole role) {
    boolean biased = spec.training().algorithm() == Algorithm.BIASED_LOCAL_SGD && spec.sampling() != null
        && !Boolean.FALSE.equals(spec.sampling().biased());
    WorkerRole biasedRole = spec.sampling() != null && spec.sampling().role() == BiasedRole.FAST ? WorkerRole.FAST : WorkerRole.SLOW;
    return biased && role == biasedRole ? SampleSelection.HIGH_LOSS : SampleSelection.UNIFORM;
  }

  /** The job's update rule (sgd when the spec has no optimizer section). */
  public static OptimizerMethod optimizer(HeteroTrainingJobSpec spec) {
    OptimizerSpec o = spec.training().optimizer();
    return o == null || o.method() == null ? OptimizerMethod.SGD : o.method();
  }

  /** The pool whose workers compute asyncSAM's perturbations instead of training, or null. */
  public static String helperPool(HeteroTrainingJobSpec spec) {
    OptimizerSpec o = spec.training().optimizer();
    return optimizer(spec) == OptimizerMethod.ASYNC_SAM && o.asyncSAM() != null ? o.asyncSAM().helperPool() : null;
  }

  /** Whether BatchNorm running statistics are averaged with the weights. */
  public static boolean includeBuffers(HeteroTrainingJobSpec spec) {
    return spec.aggregation() == null || !Boolean.FALSE.equals(spec.aggregation().includeBuffers());
  }
}
