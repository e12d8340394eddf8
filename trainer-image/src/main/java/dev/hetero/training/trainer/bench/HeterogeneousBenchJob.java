package dev.hetero.training.trainer.bench;

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
 * A benchmark job on LeNet and Fashion-MNIST with {@code fast} workers and {@code slow} workers
 * that run {@code slowdown} times slower, written as the HeteroTrainingJob YAML a user would apply,
 * read with the CRD's rules and planned by the operator's planner (equal-time local steps, base 1).
 * The bench command and the study both build their scenarios with it.
 *
 * @param slow 0 for no slow pool (synchronous SGD on the fast workers only)
 * @param aggregation the aggregation policy's YAML name (uniform, workProportional)
 */
public record HeterogeneousBenchJob(String name, String namespace, String algorithm, boolean biasedSampling, String aggregation,
    int fast, int slow, double slowdown, int epochs, int batch, double learningRate, long seed, Path dataDir) {

  public String yaml() {
    String slowPool = slow > 0
        ? String.format(Locale.ROOT, "  - {name: slow, deviceClass: cpu, replicas: %d, capacityPerWorker: 1, simulatedSlowdown: %s}%n",
            slow, slowdown)
        : "";
    return header(name, dataDir) + String.format(Locale.ROOT, """
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
        %s""", algorithm, epochs, batch, learningRate, seed, biasedSampling, aggregation, fast, slowPool);
  }

  /** The start of every benchmark job: a LeNet on Fashion-MNIST read from {@code dataDir}. */
  static String header(String name, Path dataDir) {
    return String.format(Locale.ROOT, """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata:
          name: %s
        spec:
          model: {name: lenet}
          dataset: {name: fashion-mnist, source: {path: %s}}
        """, name, dataDir.toAbsolutePath());
  }

  /** The plan the operator would make, on one local node with a core per worker. */
  public PlanDocument plan() {
    return plan(name, namespace, yaml(), fast + slow);
  }

  /** A benchmark job's YAML read with the CRD's rules and planned on one local node with a core per worker. */
  static PlanDocument plan(String name, String namespace, String yaml, int workers) {
    HeteroTrainingJob job = JobManifests.parse(yaml, "bench job " + name);
    HeteroTrainingJobSpec spec = SpecDefaults.apply(job.getSpec());
    PlanResult result = new CapacityPlanner(PlannerConfig.defaults())
        .plan(name, spec, List.of(LocalInventory.node(spec, Math.max(4, workers), 16L << 30, 0)));
    if (!(result instanceof PlanResult.Placed placed)) {
      throw new IllegalStateException("plan of bench job " + name + " failed: " + ((PlanResult.Unplaceable) result).summary());
    }
    return new PlanDocument(name, namespace, 1, spec, placed.workers());
  }
}
