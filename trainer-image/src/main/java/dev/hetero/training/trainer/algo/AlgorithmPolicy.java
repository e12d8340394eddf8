package dev.hetero.training.trainer.algo;

import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.BiasedRole;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import java.util.ArrayList;
import java.util.List;

/**
 * The three algorithms as settings of one round loop (one code path):
 * <ul>
 *   <li>syncSGD: one step per round, models averaged with weights proportional to batch. With
 *       plain SGD + momentum + L2 decay that is exactly synchronous SGD on the batch-weighted
 *       mean gradient: every worker starts the step from the same model, and the update is
 *       linear in gradient and momentum, so averaging the models equals stepping with the
 *       averaged gradient and averaged momentum;</li>
 *   <li>localSGD: the plan's batch and local steps, uniform weights, uniform sampling;</li>
 *   <li>biasedLocalSGD: the plan's batch and local steps, top-k sampling for the configured role
 *       (when sampling.biased), and the configured aggregation policy.</li>
 * </ul>
 */
public final class AlgorithmPolicy {
  private AlgorithmPolicy() {
  }

  public static List<WorkerSettings> workers(HeteroTrainingJobSpec spec, List<PlannedWorker> plan) {
    Algorithm algorithm = spec.training().algorithm();
    boolean biasedSampling = algorithm == Algorithm.BIASED_LOCAL_SGD && Boolean.TRUE.equals(spec.sampling().biased());
    WorkerRole biasedRole = spec.sampling().role() == BiasedRole.FAST ? WorkerRole.FAST : WorkerRole.SLOW;
    List<WorkerSettings> out = new ArrayList<>();
    for (PlannedWorker w : plan) {
      int steps = algorithm == Algorithm.SYNC_SGD ? 1 : w.localSteps();
      boolean biased = biasedSampling && w.role() == biasedRole;
      out.add(new WorkerSettings(w.rank(), w.worker(), w.deviceClass(), w.batchSize(), steps, biased, slowdownOf(spec, w)));
    }
    return out;
  }

  /** The aggregation to apply: forced for syncSGD and localSGD, the job's own for biasedLocalSGD. */
  public static AggregationSpec aggregation(HeteroTrainingJobSpec spec) {
    boolean includeBuffers = !Boolean.FALSE.equals(spec.aggregation().includeBuffers());
    return switch (spec.training().algorithm()) {
      case SYNC_SGD -> new AggregationSpec(AggregationPolicy.WORK_PROPORTIONAL, null, null, includeBuffers);
      case LOCAL_SGD -> new AggregationSpec(AggregationPolicy.UNIFORM, null, null, includeBuffers);
      case BIASED_LOCAL_SGD -> spec.aggregation();
    };
  }

  private static double slowdownOf(HeteroTrainingJobSpec spec, PlannedWorker w) {
    for (PoolSpec pool : spec.pools()) {
      if (pool.name().equals(w.pool())) {
        return pool.simulatedSlowdown() == null ? 1.0 : pool.simulatedSlowdown();
      }
    }
    return 1.0;
  }
}
