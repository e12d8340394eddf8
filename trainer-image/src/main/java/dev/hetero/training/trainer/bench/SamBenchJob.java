package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.contract.PlanDocument;
import java.util.Locale;

/**
 * One run of the SAM benchmark as the HeteroTrainingJob YAML a user would apply: LeNet on
 * Fashion-MNIST, one training worker (a core, capacity 1) with the method's update rule, and
 * for asyncSAM one helper in a pool of its own that runs {@code helperSlowdown} times slower
 * (the simulated fast/slow pair). Local SGD with a fixed number of steps per round: with one
 * training worker the average is the model itself, so rounds only pace the evaluations.
 */
record SamBenchJob(String method, long seed, SamBenchOptions o) {

  String name() {
    return "sam-bench-" + method.toLowerCase(Locale.ROOT) + "-s" + seed;
  }

  String yaml() {
    String optimizer = switch (method) {
      case "asyncSAM" -> String.format(Locale.ROOT, "{method: asyncSAM, rho: %s, asyncSAM: {helperPool: helper, staleness: %d,"
          + " perturbationBatch: %s}}", o.rho(), o.staleness(), o.perturbationBatch());
      case "sam" -> String.format(Locale.ROOT, "{method: sam, rho: %s}", o.rho());
      case "sgd" -> "{method: sgd}";
      default -> throw new IllegalArgumentException("unknown method " + method + " (sgd, sam or asyncSAM)");
    };
    String helper = method.equals("asyncSAM") ? String.format(Locale.ROOT,
        "  - {name: helper, deviceClass: cpu, replicas: 1, capacityPerWorker: 1, simulatedSlowdown: %s}%n", o.helperSlowdown()) : "";
    return HeterogeneousBenchJob.header(name(), o.dataDir()) + String.format(Locale.ROOT, """
          training:
            algorithm: localSGD
            epochs: %d
            batch: {perWorker: %d}
            optimizer: %s
            learningRate: {initial: %s, milestones: [0.6, 0.8]}
            seed: %d
          allocation:
            localSteps: {policy: fixed, base: %d}
          pools:
          - {name: fast, deviceClass: cpu, replicas: 1, capacityPerWorker: 1}
        %s""", o.epochs(), o.batch(), optimizer, o.learningRate(), seed, o.localSteps(),
        helper);
  }

  PlanDocument plan() {
    return HeterogeneousBenchJob.plan(name(), "sam-bench", yaml(), 2);
  }
}
