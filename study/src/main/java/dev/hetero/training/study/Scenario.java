package dev.hetero.training.study;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.trainer.bench.HeterogeneousBenchJob;
import java.nio.file.Path;

/**
 * One run of the study: a level, a method and a seed, as the trainer's benchmark job (the YAML a
 * user would apply, read with the CRD's rules and planned by the operator's planner).
 */
public record Scenario(Level level, Method method, long seed, int epochs, int batch, double learningRate, Path dataDir) {

  public String id() {
    return level.name() + "-" + method.label().replace("+", "") + "-s" + seed;
  }

  public HeterogeneousBenchJob job() {
    return new HeterogeneousBenchJob("study-" + id(), "study", method.algorithm(), method.biasedSampling(), method.aggregation(),
        level.fast(), method.usesSlowWorkers() ? level.slow() : 0, level.slowdown(), epochs, batch, learningRate, seed, dataDir);
  }

  public String yaml() {
    return job().yaml();
  }

  public PlanDocument plan() {
    return job().plan();
  }
}
