package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.algo.VirtualClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The rebalance bench's jobs: 4 LeNet workers in two pools, {@code a} x{@code 4 - inB} and
 * {@code b} x{@code inB}, each pool with its capacity label and its true (simulated) slowdown,
 * equal-time local steps from {@code base}, 64 samples per step, rebalancing off or on with a given
 * damping. Written
 * as the YAML a user would apply and planned by the operator's planner.
 */
record RebalanceJobs(RebalanceBenchOptions o) {

  /**
   * One pool: how many workers, the capacity the planner believes, how much slower they really
   * are. The planner divides a pool's capacity by its simulated slowdown, so the YAML carries
   * belief x slowdown: the planner then believes exactly {@code believed}, whatever the truth.
   */
  record Pool(String name, int replicas, double believed, double slowdown) {
    String yaml() {
      return String.format(Locale.ROOT, "  - {name: %s, deviceClass: cpu, replicas: %d, capacityPerWorker: %s, simulatedSlowdown: %s}%n",
          name, replicas, believed * slowdown, slowdown);
    }
  }

  /** @param damping null: rebalancing off */
  PlanDocument plan(String name, long version, Double damping, Pool a, Pool b) {
    String rebalance = damping == null ? "{enabled: false}" : String.format(Locale.ROOT, "{enabled: true, damping: %s}", damping);
    String yaml = HeterogeneousBenchJob.header(name, o.dataDir()) + String.format(Locale.ROOT, """
          training:
            algorithm: biasedLocalSGD
            epochs: %d
            batch: {perWorker: %d}
            learningRate: {initial: %s, milestones: [0.6, 0.8]}
            seed: %d
          allocation:
            localSteps: {policy: equalTime, base: %d}
            rebalance: %s
          pools:
        %s%s""", o.epochs(), o.batch(), o.learningRate(), o.seed(), o.base(), rebalance, a.yaml(), b.yaml());
    PlanDocument planned = HeterogeneousBenchJob.plan(name, "bench", yaml, a.replicas() + b.replicas());
    return new PlanDocument(planned.jobName(), planned.namespace(), version, planned.spec(), planned.workers());
  }

  /**
   * Virtual seconds per sample of one round of {@code plan}'s work (as the coordinator charges
   * it: the slowest worker's steps times its slowdown, plus one exchange).
   */
  static double secondsPerSample(List<PlannedWorker> plan, StepCostModel cost, double communicationSeconds) {
    double[] compute = new double[plan.size()];
    double[] slowdown = new double[plan.size()];
    long samples = 0;
    for (int i = 0; i < plan.size(); i++) {
      PlannedWorker w = plan.get(i);
      compute[i] = w.localSteps() * cost.stepSeconds(w.batchSize());
      slowdown[i] = w.slowdown();
      samples += w.samplesPerRound();
    }
    return VirtualClock.roundSeconds(compute, slowdown, communicationSeconds) / samples;
  }

  Path out() {
    return o.outputDir();
  }
}
