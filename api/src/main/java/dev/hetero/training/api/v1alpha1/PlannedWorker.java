package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One worker of the plan: where it runs and exactly the work it does per round. The trainer
 * applies these values as they are (it never re-derives batch, steps, weight, sampling, update
 * rule or asyncSAM pairing), so {@code status.plan} is what runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedWorker(
    @JsonPropertyDescription("Worker name, also its pod name: <job>-<pool>-<index>.")
    String worker,
    @JsonPropertyDescription("Rank in the job; rank 0 is the coordinator. Training workers come first, asyncSAM helpers last.")
    Integer rank,
    @JsonPropertyDescription("Node the worker is pinned to.")
    String node,
    @JsonPropertyDescription("Pool the worker belongs to.")
    String pool,
    @JsonPropertyDescription("gpu or cpu.")
    DeviceClass deviceClass,
    @JsonPropertyDescription("Relative throughput used for sizing (samples per unit time, relative).")
    Double capacity,
    @JsonPropertyDescription("Samples per local step; for an asyncSAM helper, samples per ascent (its perturbation batch b_p, the starting point when perturbationBatchAuto).")
    Integer batchSize,
    @JsonPropertyDescription("Local steps per round (1 for syncSGD; 0 for an asyncSAM helper, which takes no part in rounds).")
    Integer localSteps,
    @JsonPropertyDescription("Weight of this worker's model in the round's average (weights sum to 1; renormalised over the workers that make a round; 0 for helpers).")
    Double weight,
    @JsonPropertyDescription("fast or slow, relative to the fastest training worker (spec.sampling.slowCapacityRatio), or helper (computes asyncSAM perturbations, does not train).")
    WorkerRole role,
    @JsonPropertyDescription("How this worker's samples are chosen: uniform, or highLoss (loss-based top-k, biasedLocalSGD's sampling bias).")
    SampleSelection sampling,
    @JsonPropertyDescription("Testing aid copied from the pool: this worker runs this many times slower than its hardware. Absent when 1.")
    Double simulatedSlowdown,
    @JsonPropertyDescription("Update rule of a training worker: sgd, sam, or asyncSAM (only a worker with an ascentHelper). Absent on helpers; absent means sgd.")
    OptimizerMethod optimizer,
    @JsonPropertyDescription("asyncSAM: the helper worker that computes this worker's perturbations.")
    String ascentHelper,
    @JsonPropertyDescription("On a helper: the training worker it computes perturbations for (absent: an idle helper, nobody left to pair with).")
    String ascentFor,
    @JsonPropertyDescription("On a helper: true when its perturbation batch is measured at run time (perturbationBatch auto); batchSize is then where it starts.")
    Boolean perturbationBatchAuto,
    @JsonPropertyDescription("gpu workers, copied from the pool: cpu when the worker may train on the CPU if it finds no usable CUDA device. Absent means none: no CUDA device is a failure (exit 69).")
    DeviceFallback deviceFallback) {

  /** A worker without asyncSAM fields (the update rule defaults to sgd). */
  public PlannedWorker(String worker, Integer rank, String node, String pool, DeviceClass deviceClass, Double capacity,
      Integer batchSize, Integer localSteps, Double weight, WorkerRole role, SampleSelection sampling,
      Double simulatedSlowdown) {
    this(worker, rank, node, pool, deviceClass, capacity, batchSize, localSteps, weight, role, sampling, simulatedSlowdown,
        null, null, null, null, null);
  }

  /** Samples this worker processes per round: batch x local steps. */
  public long samplesPerRound() {
    return (long) batchSize * localSteps;
  }

  /** This worker moved to another node with the capacity measured there. */
  public PlannedWorker withPlacement(String newNode, Double newCapacity) {
    return new PlannedWorker(worker, rank, newNode, pool, deviceClass, newCapacity, batchSize, localSteps, weight, role, sampling,
        simulatedSlowdown, optimizer, ascentHelper, ascentFor, perturbationBatchAuto, deviceFallback);
  }

  /** This worker with another round's work: batch, local steps and aggregation weight. */
  public PlannedWorker withWork(int newBatch, int newSteps, double newWeight) {
    return new PlannedWorker(worker, rank, node, pool, deviceClass, capacity, newBatch, newSteps, newWeight, role, sampling,
        simulatedSlowdown, optimizer, ascentHelper, ascentFor, perturbationBatchAuto, deviceFallback);
  }

  /**
   * This worker re-sized from another capacity estimate (a live rebalance): its work, weight, role
   * and sampling change; where it runs and how it updates stay.
   */
  public PlannedWorker resized(double newCapacity, int newBatch, int newSteps, double newWeight, WorkerRole newRole,
      SampleSelection newSampling) {
    return new PlannedWorker(worker, rank, node, pool, deviceClass, newCapacity, newBatch, newSteps, newWeight, newRole,
        newSampling, simulatedSlowdown, optimizer, ascentHelper, ascentFor, perturbationBatchAuto, deviceFallback);
  }

  /** This worker with another rank (a re-plan renumbered the workers). */
  public PlannedWorker withRank(int newRank) {
    return new PlannedWorker(worker, newRank, node, pool, deviceClass, capacity, batchSize, localSteps, weight, role, sampling,
        simulatedSlowdown, optimizer, ascentHelper, ascentFor, perturbationBatchAuto, deviceFallback);
  }

  /** This training worker with its update rule and, for asyncSAM, its helper. */
  public PlannedWorker withOptimizer(OptimizerMethod method, String helper) {
    return new PlannedWorker(worker, rank, node, pool, deviceClass, capacity, batchSize, localSteps, weight, role, sampling,
        simulatedSlowdown, method, helper, ascentFor, perturbationBatchAuto, deviceFallback);
  }

  /**
   * This worker with its pool's device fallback: kept only on a gpu worker that may fall back
   * (absent is none, so plans of CPU-only jobs stay as they were).
   */
  public PlannedWorker withDeviceFallback(DeviceFallback fallback) {
    DeviceFallback kept = deviceClass == DeviceClass.GPU && fallback == DeviceFallback.CPU ? fallback : null;
    return new PlannedWorker(worker, rank, node, pool, deviceClass, capacity, batchSize, localSteps, weight, role, sampling,
        simulatedSlowdown, optimizer, ascentHelper, ascentFor, perturbationBatchAuto, kept);
  }

  /** What to do without a usable CUDA device: none when absent. */
  public DeviceFallback deviceFallbackOrNone() {
    return deviceFallback == null ? DeviceFallback.NONE : deviceFallback;
  }

  /** The slowdown to apply: 1 when absent. */
  public double slowdown() {
    return simulatedSlowdown == null ? 1.0 : simulatedSlowdown;
  }

  /** Whether this worker computes asyncSAM perturbations instead of training. */
  public boolean helper() {
    return role == WorkerRole.HELPER;
  }

  /** The update rule to apply: sgd when absent (plans written before the SAM methods existed). */
  public OptimizerMethod optimizerMethod() {
    return optimizer == null ? OptimizerMethod.SGD : optimizer;
  }
}
