package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.trainer.algo.ScoreTable;
import dev.hetero.training.trainer.round.WorkerState;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a run carries from one round to the next, and exactly what a checkpoint saves: whose
 * run it is, the plan version it ran, the progress counters, the current shuffle period and its
 * shards, the averaged model, the sampler's score table, the evaluation bookkeeping, both clocks,
 * and every worker's own state (optimizer momentum, local BatchNorm statistics) as of its last
 * checkpoint round. Every random draw of a run is seeded from (seed, round, period index), so
 * those are the RNG state. The score table is updated in place (it buffers each round's losses);
 * everything else changes by making a new state.
 *
 * @param planVersion the plan version the last round ran; -1 when unknown (a version-1 checkpoint)
 * @param round rounds completed
 * @param samples training samples processed by all workers together
 * @param scores null only in a checkpoint written before the table was kept for every run
 * @param elapsedSeconds wall time of training so far, across restarts
 * @param virtualSeconds the virtual clock
 * @param workerStates by rank: each worker's latest saved state, null where none was saved yet
 */
public record RunState(RunIdentity identity, long planVersion, long round, long samples, Period period, float[] model,
    ScoreTable scores, Evaluations evaluations, double elapsedSeconds, double virtualSeconds, WorkerState[] workerStates) {

  /**
   * A shuffle period: its number, the round it started at, the samples per round it was planned
   * for (n_i) and each worker's shard for the whole period.
   */
  public record Period(long index, long startRound, long[] samplesPerRound, int[][] shards) {
    /** Before the first period: the first round plans one. */
    public static final Period NONE = new Period(-1, 0, new long[0], new int[0][]);

    /** Whether this period's shards still serve {@code round} with the plan's n_i and {@code length} rounds per period. */
    boolean serves(long round, long[] perRound, int length) {
      return index >= 0 && Arrays.equals(samplesPerRound, perRound) && round - startRound < length;
    }
  }

  /**
   * @param lossSinceEval training loss summed over the samples since the last evaluation
   * @param samplesSinceEval those samples
   * @param nextEval the sample count at which the next evaluation is due
   * @param lastAccuracy accuracy of the last evaluation (NaN before the first)
   */
  public record Evaluations(double lossSinceEval, long samplesSinceEval, double nextEval, double lastAccuracy) {
  }

  /** A run that has not started: round 0, no period yet, the initial model, no worker state saved. */
  static RunState start(RunIdentity identity, long planVersion, float[] model, double firstEvaluationAt, int workers) {
    return new RunState(identity, planVersion, 0, 0, Period.NONE, model, new ScoreTable(identity.datasetSize()),
        new Evaluations(0, 0, firstEvaluationAt, Double.NaN), 0, 0, new WorkerState[workers]);
  }

  /** The job's seed. */
  public long seed() {
    return identity.seed();
  }

  RunState withPeriod(Period next) {
    return new RunState(identity, planVersion, round, samples, next, model, scores, evaluations, elapsedSeconds, virtualSeconds,
        workerStates);
  }

  RunState withScores(ScoreTable table) {
    return new RunState(identity, planVersion, round, samples, period, model, table, evaluations, elapsedSeconds, virtualSeconds,
        workerStates);
  }

  /** The same state under this identity (an older checkpoint's partial one, once checked, becomes the run's). */
  RunState withIdentity(RunIdentity full) {
    return new RunState(full, planVersion, round, samples, period, model, scores, evaluations, elapsedSeconds, virtualSeconds,
        workerStates);
  }

  /** The same state, but with a slot per rank of a run of {@code workers} (a checkpoint of another world size). */
  RunState forWorkers(int workers) {
    return new RunState(identity, planVersion, round, samples, period, model, scores, evaluations, elapsedSeconds, virtualSeconds,
        Arrays.copyOf(workerStates, workers));
  }

  /** The state of a run whose workers changed: each staying worker's saved state under its new rank, none for a joining one. */
  RunState regrouped(Membership change) {
    WorkerState[] next = new WorkerState[change.previousRank().length];
    for (int i = 0; i < next.length; i++) {
      int was = change.previousRank()[i];
      WorkerState s = was < 0 || was >= workerStates.length ? null : workerStates[was];
      next[i] = s == null ? null : new WorkerState(i, s.round(), s.optimizer(), s.localBuffers());
    }
    return new RunState(identity, planVersion, round, samples, period, model, scores, evaluations, elapsedSeconds, virtualSeconds,
        next);
  }

  /** These workers' states replace their earlier ones; the other ranks keep theirs. */
  RunState withWorkerStates(List<WorkerState> reported) {
    if (reported.isEmpty()) {
      return this;
    }
    WorkerState[] next = workerStates.clone();
    for (WorkerState s : reported) {
      if (s.rank() >= 0 && s.rank() < next.length) {
        next[s.rank()] = s;
      }
    }
    return new RunState(identity, planVersion, round, samples, period, model, scores, evaluations, elapsedSeconds, virtualSeconds,
        next);
  }

  /** The number of ranks with a saved state. */
  int savedWorkerStates() {
    return (int) Arrays.stream(workerStates).filter(s -> s != null).count();
  }

  /** One more round under plan version {@code ranVersion}: its average, its samples and their summed loss, the clocks after it. */
  RunState afterRound(long ranVersion, float[] average, long roundSamples, double lossSum, double elapsed, double virtual) {
    Evaluations e = new Evaluations(evaluations.lossSinceEval + lossSum, evaluations.samplesSinceEval + roundSamples,
        evaluations.nextEval, evaluations.lastAccuracy);
    return new RunState(identity, ranVersion, round + 1, samples + roundSamples, period, average, scores, e, elapsed, virtual,
        workerStates);
  }

  /** An evaluation happened: the training-loss window restarts and the next one is due {@code every} samples later. */
  RunState afterEvaluation(double accuracy, double every) {
    double next = evaluations.nextEval;
    while (next <= samples) {
      next += every;
    }
    return new RunState(identity, planVersion, round, samples, period, model, scores, new Evaluations(0, 0, next, accuracy),
        elapsedSeconds, virtualSeconds, workerStates);
  }

  /** Whether an evaluation is due after this round (every epoch fraction, and at the end of the budget). */
  boolean evaluationDue(long budget) {
    return samples >= evaluations.nextEval || samples >= budget;
  }

  /** Mean training loss per sample since the last evaluation. */
  double trainLossSinceEval() {
    return evaluations.lossSinceEval / Math.max(1, evaluations.samplesSinceEval);
  }
}
