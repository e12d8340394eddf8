package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.algo.RoundWeights;
import dev.hetero.training.trainer.algo.WeightedAverager;
import dev.hetero.training.trainer.round.ModelDigest;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Step 5 of a round: check every worker started from the average it was sent, buffer its losses
 * for the sampler, keep the states the workers handed in, and average the models of the workers
 * that made the round with their plan weights renormalised.
 */
final class RoundAggregation {
  private RoundAggregation() {
  }

  /** One round's aggregated outcome. */
  record Aggregate(float[] model, long samples, double lossSum, double[] compute, double[] waits, double slowestCompute,
      AppliedRound applied, List<WorkerState> states) {
  }

  /** BatchNorm statistics stay out of the digests when they are not averaged. */
  static boolean[] digestMask(CoordinatorConfig config) {
    return config.includeBuffers() ? null : config.bufferMask();
  }

  static Aggregate of(CoordinatorConfig config, RunState state, RunningPlan plan, RoundResult[] results, WorkerTracker tracker)
      throws IOException {
    byte[] expected = ModelDigest.of(state.model(), digestMask(config));
    int m = plan.size();
    List<float[]> models = new ArrayList<>();
    List<Integer> present = new ArrayList<>();
    List<WorkerState> states = new ArrayList<>();
    double[] compute = new double[m];
    double[] waits = new double[m];
    int[] steps = new int[m];
    int[] batches = plan.workers().stream().mapToInt(PlannedWorker::batchSize).toArray();
    double lossSum = 0;
    long samples = 0;
    double slowest = 0;
    for (int i = 0; i < m; i++) {
      RoundResult r = results[i];
      if (r == null) {
        tracker.missed(i);
        continue;
      }
      if (!Arrays.equals(r.loadedDigest(), expected)) {
        throw new IllegalStateException("worker rank " + i + " started round " + state.round()
            + " from a model that differs from the average it was sent");
      }
      present.add(i);
      models.add(r.model());
      if (r.state() != null) {
        states.add(atRank(r.state(), i));
      }
      for (float l : r.losses()) {
        lossSum += l;
      }
      samples += r.indices().length;
      steps[i] = r.indices().length / batches[i];
      // an asyncSAM worker's wait for perturbations is charged as it is (measured, or virtual in a simulated run)
      waits[i] = r.ascent() == null ? 0 : r.ascent().waitSeconds();
      compute[i] = config.costModel() == null ? r.computeSeconds() - waits[i]
          : steps[i] * config.costModel().stepSeconds(batches[i], plan.worker(i).optimizerMethod());
      slowest = Math.max(slowest, r.computeSeconds());
      tracker.reported(i, state.round() + 1, r.indices().length, r.computeSeconds(), r.ascent());
      state.scores().record(r.indices(), r.losses());
    }
    if (present.isEmpty()) {
      throw new IOException("no worker finished round " + state.round());
    }
    double[] weights = RoundWeights.renormalised(plan.weights(), present.stream().mapToInt(Integer::intValue).toArray());
    double[] applied = new double[m];
    for (int k = 0; k < weights.length; k++) {
      applied[present.get(k)] = weights[k];
    }
    float[] average = WeightedAverager.average(models.toArray(new float[0][]), weights, config.bufferMask(),
        config.includeBuffers());
    return new Aggregate(average, samples, lossSum, compute, waits, slowest,
        new AppliedRound(state.round() + 1, plan.version(), applied, steps, batches), states);
  }

  /**
   * A worker stamps its state with the rank it started under; ranks may have been renumbered since
   * (a plan version that added or removed workers), so the coordinator files it under the rank it
   * has now, the one it answered at.
   */
  static WorkerState atRank(WorkerState s, int rank) {
    return s.rank() == rank ? s : new WorkerState(rank, s.round(), s.optimizer(), s.localBuffers());
  }

  /** The states handed in with these answers (by rank; null: no answer), each under its current rank. */
  static List<WorkerState> statesByRank(RoundResult[] answers) {
    List<WorkerState> out = new ArrayList<>();
    for (int i = 0; i < answers.length; i++) {
      if (answers[i] != null && answers[i].state() != null) {
        out.add(atRank(answers[i].state(), i));
      }
    }
    return out;
  }
}
