package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import java.util.Arrays;

/**
 * Step 2-3 of planning, on capacities alone: batches (proportional within bounds for a global
 * batch, else the per-worker batch), local steps ({@link LocalStepsCalculator}), aggregation
 * weights from the resulting work ({@link AggregationWeights} under {@link AlgorithmRules}) and
 * each worker's role. The planner calls it with the capacities of the nodes; the
 * {@link Rebalancer} calls it with measured ones, so a rebalanced plan follows the same rules.
 */
public final class WorkSizing {
  private WorkSizing() {
  }

  /** The work of each worker, by position. */
  public record Sized(int[] batch, int[] localSteps, double[] weights, WorkerRole[] roles) {
  }

  /**
   * @param spec with defaults applied; a global batch must be feasible for {@code capacity.length} workers
   * @throws IllegalArgumentException when the aggregation policy gives every worker weight 0
   */
  public static Sized of(HeteroTrainingJobSpec spec, double[] capacity, DeviceClass[] classes) {
    AllocationSpec allocation = spec.allocation();
    int n = capacity.length;
    int min = allocation.minBatchPerWorker();
    int max = allocation.maxBatchPerWorker();
    int[] batch;
    if (spec.training().batch().global() != null) {
      batch = BatchAllocator.split(spec.training().batch().global(), capacity, min, max);
    } else {
      batch = new int[n];
      Arrays.fill(batch, perWorkerBatch(spec));
    }
    boolean synchronous = spec.training().algorithm() == Algorithm.SYNC_SGD;
    var steps = allocation.localSteps();
    int[] localSteps = LocalStepsCalculator.steps(steps.policy(), steps.base(), steps.max(), batch, capacity, synchronous);
    long[] work = new long[n];
    for (int i = 0; i < n; i++) {
      work[i] = (long) batch[i] * localSteps[i];
    }
    double[] weights = AggregationWeights.of(AlgorithmRules.aggregation(spec), work, classes);
    double fastest = Arrays.stream(capacity).max().orElse(1.0);
    double slowRatio = spec.sampling().slowCapacityRatio();
    WorkerRole[] roles = new WorkerRole[n];
    for (int i = 0; i < n; i++) {
      roles[i] = role(capacity[i], fastest, slowRatio);
    }
    return new Sized(batch, localSteps, weights, roles);
  }

  /** The per-worker batch clamped into the allocation bounds. */
  public static int perWorkerBatch(HeteroTrainingJobSpec spec) {
    AllocationSpec allocation = spec.allocation();
    return Math.max(allocation.minBatchPerWorker(), Math.min(allocation.maxBatchPerWorker(), spec.training().batch().perWorker()));
  }

  /** Slow when at most {@code slowRatio} of the fastest training worker's capacity (and not the fastest itself). */
  public static WorkerRole role(double capacity, double fastest, double slowRatio) {
    return capacity <= slowRatio * fastest && capacity < fastest ? WorkerRole.SLOW : WorkerRole.FAST;
  }
}
