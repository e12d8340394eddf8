package dev.hetero.training.study;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.trainer.runner.LocalInventory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One run of the study: a level, a method and a seed, written as the HeteroTrainingJob a user
 * would apply, read with the CRD's rules and planned by the operator's planner.
 */
public record Scenario(Level level, Method method, long seed, int epochs, int batch, double learningRate, Path dataDir) {

  public String id() {
    return level.name() + "-" + method.label().replace("+", "") + "-s" + seed;
  }

  public String yaml() {
    String slowPool = method.usesSlowWorkers()
        ? String.format(Locale.ROOT, "  - {name: slow, deviceClass: cpu, replicas: %d, capacityPerWorker: 1, simulatedSlowdown: %s}%n",
            level.slow(), level.slowdown())
        : "";
    return String.format(Locale.ROOT, """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata:
          name: study-%s
        spec:
          model: {name: lenet}
          dataset: {name: fashion-mnist, source: {path: %s}}
          training:
            algorithm: %s
            epochs: %d
            batch: {perWorker: %d}
            learningRate: {initial: %s, milestones: [0.6, 0.8]}
            seed: %d
          allocation:
            localSteps: {policy: equalTime, base: 1}
          sampling: {biased: %s, role: slow}
          aggregation: {policy: %s}
          pools:
          - {name: fast, deviceClass: cpu, replicas: %d, capacityPerWorker: 1}
        %s""", id(), dataDir.toAbsolutePath(), method.algorithm(), epochs, batch, learningRate, seed,
        method.biasedSampling(), method.aggregation(), level.fast(), slowPool);
  }

  /** The plan the operator would make, on one node big enough for every worker. */
  public PlanDocument plan() {
    HeteroTrainingJob job = JobManifests.parse(yaml(), "study scenario " + id());
    HeteroTrainingJobSpec spec = SpecDefaults.apply(job.getSpec());
    int workers = level.fast() + (method.usesSlowWorkers() ? level.slow() : 0);
    PlanResult result = new CapacityPlanner(PlannerConfig.defaults())
        .plan(job.getMetadata().getName(), spec, List.of(LocalInventory.node(spec, workers, 16L << 30, 0)));
    if (!(result instanceof PlanResult.Placed placed)) {
      throw new IllegalStateException("study plan " + id() + " failed: " + ((PlanResult.Unplaceable) result).summary());
    }
    return new PlanDocument(job.getMetadata().getName(), "study", 1, spec, placed.workers());
  }
}
