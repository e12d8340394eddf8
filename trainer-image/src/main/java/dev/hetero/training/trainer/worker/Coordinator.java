package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.planner.AggregationWeights;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.trainer.algo.ScoreTable;
import dev.hetero.training.trainer.algo.ShardPlanner;
import dev.hetero.training.trainer.algo.VirtualClock;
import dev.hetero.training.trainer.algo.WeightedAverager;
import dev.hetero.training.trainer.algo.WorkerSettings;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.checkpoint.CoordinatorState;
import dev.hetero.training.trainer.engine.Evaluation;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Rank 0's round loop, identical for the three algorithms: plan shards at each shuffle period,
 * send every worker the average and its samples, collect the models, average them with the
 * policy's weights renormalised over the workers that made the round, charge the virtual clock,
 * evaluate after every epoch. Sample budget is counted globally: the run stops once the workers
 * together processed epochs x N samples.
 *
 * <p>A worker whose handle answers null missed the round (late, dead or not connected): it is
 * left out of the average, its samples are not counted, and it gets the current model with the
 * next round's command. With a checkpoint store the state is saved every N rounds and a restart
 * resumes from the newest valid checkpoint. With a plan source a live re-plan (new batch or
 * local steps) takes effect at the next round boundary and starts a new shuffle period.
 */
public final class Coordinator {
  private final CoordinatorConfig config;
  private final List<WorkerHandle> workers;
  private final ModelEvaluator evaluator;
  private final TrainingListener listener;
  private CheckpointStore checkpoints;
  private int checkpointEvery;
  private PlanSource planSource;
  private PrintStream log = System.err;

  public Coordinator(CoordinatorConfig config, List<WorkerHandle> workers, ModelEvaluator evaluator,
      TrainingListener listener) {
    if (workers.size() != config.workers().size()) {
      throw new IllegalArgumentException(workers.size() + " worker handles for " + config.workers().size() + " planned workers");
    }
    this.config = config;
    this.workers = workers.stream().sorted((a, b) -> Integer.compare(a.rank(), b.rank())).toList();
    this.evaluator = evaluator;
    this.listener = listener;
  }

  /** Checkpoints every {@code everyRounds} rounds into the store, and resume from it. */
  public Coordinator checkpoints(CheckpointStore store, int everyRounds) {
    this.checkpoints = store;
    this.checkpointEvery = Math.max(1, everyRounds);
    return this;
  }

  public Coordinator planSource(PlanSource source) {
    this.planSource = source;
    return this;
  }

  public Coordinator log(PrintStream log) {
    this.log = log;
    return this;
  }

  public RunOutcome run(float[] initialModel) throws IOException {
    List<WorkerSettings> settings = config.workers();
    int m = settings.size();
    int n = config.datasetSize();
    long[] perRound = new long[m];
    boolean[] biased = new boolean[m];
    boolean anyBiased = false;
    double[] slowdown = new double[m];
    DeviceClass[] classes = new DeviceClass[m];
    for (int i = 0; i < m; i++) {
      perRound[i] = settings.get(i).samplesPerRound();
      biased[i] = settings.get(i).biased();
      anyBiased |= biased[i];
      slowdown[i] = settings.get(i).slowdown();
      classes[i] = settings.get(i).deviceClass();
    }
    int period = ShardPlanner.roundsPerPeriod(n, perRound);
    ScoreTable scores = anyBiased ? new ScoreTable(n, config.sampling().scoreMerge()) : null;
    boolean includeBuffers = !Boolean.FALSE.equals(config.aggregation().includeBuffers());
    boolean[] skipInDigest = includeBuffers ? null : config.bufferMask();
    long budget = (long) config.epochs() * n;
    double evalEvery = n / (double) Math.max(1, config.evaluationsPerEpoch());
    double nextEval = evalEvery;

    VirtualClock clock = new VirtualClock(config.communicationSeconds());
    List<EvaluationReport> curve = new ArrayList<>();
    float[] model = initialModel;
    int[][] shards = null;
    long round = 0;
    long samples = 0;
    long periodIndex = -1;
    long periodStart = 0;
    double lossSinceEval = 0;
    long samplesSinceEval = 0;
    double elapsedBefore = 0;
    double lastAccuracy = Double.NaN;
    Optional<CoordinatorState> resumed = checkpoints == null ? Optional.empty() : checkpoints.loadLatest();
    if (resumed.isPresent()) {
      CoordinatorState s = resumed.get();
      if (s.seed() != config.seed() || s.model().length != model.length) {
        throw new IllegalStateException("checkpoint in " + checkpoints.dir() + " belongs to another job (seed " + s.seed()
            + ", " + s.model().length + " model values; this job: seed " + config.seed() + ", " + model.length + ")");
      }
      model = s.model();
      round = s.round();
      samples = s.samples();
      periodIndex = s.periodIndex();
      periodStart = s.periodStart();
      shards = Arrays.equals(s.samplesPerRound(), perRound) ? s.shards() : null;
      if (scores != null && s.scores() != null) {
        scores.restore(s.scores(), s.pendingIndices(), s.pendingLosses());
      }
      lossSinceEval = s.lossSinceEval();
      samplesSinceEval = s.samplesSinceEval();
      nextEval = s.nextEval();
      elapsedBefore = s.elapsedSeconds();
      clock.restore(s.virtualSeconds());
      lastAccuracy = s.lastAccuracy();
      log.println("coordinator: resumed from the checkpoint of round " + round + " (" + samples + " samples, accuracy "
          + lastAccuracy + ")");
    }
    WorkerTracker tracker = new WorkerTracker(settings);
    RoundTiming timing = new RoundTiming();
    long start = System.nanoTime();
    while (samples < budget) {
      long roundStart = System.nanoTime();
      if (planSource != null) {
        List<WorkerSettings> changed = planSource.poll();
        if (changed != null) {
          if (changed.size() != m) {
            log.println("coordinator: ignored a re-plan to " + changed.size() + " workers (this run has " + m + ")");
          } else {
            settings = changed;
            for (int i = 0; i < m; i++) {
              perRound[i] = settings.get(i).samplesPerRound();
            }
            period = ShardPlanner.roundsPerPeriod(n, perRound);
            shards = null;
            tracker.replan(settings);
            log.println("coordinator: re-plan picked up at round " + round + ": " + describe(settings));
          }
        }
      }
      long inPeriod = round - periodStart;
      if (shards == null || inPeriod >= period) {
        if (scores != null) {
          scores.mergePending();
        }
        long[] demand = new long[m];
        for (int i = 0; i < m; i++) {
          demand[i] = perRound[i] * period;
        }
        periodIndex++;
        periodStart = round;
        inPeriod = 0;
        double ratio = config.sampling().candidateRatio() == null ? 4.0 : config.sampling().candidateRatio();
        shards = ShardPlanner.plan(n, demand, biased, scores, ratio, config.seed(), periodIndex);
      }
      double lr = config.schedule().rateAt(samples / (double) budget);
      byte[] expected = ModelDigest.of(model, skipInDigest);
      for (int i = 0; i < m; i++) {
        int from = (int) (inPeriod * perRound[i]);
        int[] indices = Arrays.copyOfRange(shards[i], from, from + (int) perRound[i]);
        workers.get(i).start(new RoundCommand(round, lr, includeBuffers, config.seed() * 1_000_033L + round, false,
            settings.get(i).batch(), indices, model));
      }
      long posted = System.nanoTime();
      RoundResult[] results = collect();
      long collected = System.nanoTime();
      List<float[]> models = new ArrayList<>();
      List<Integer> present = new ArrayList<>();
      double[] compute = new double[m];
      double lossSum = 0;
      long roundSamples = 0;
      for (int i = 0; i < m; i++) {
        RoundResult r = results[i];
        if (r == null) {
          tracker.missed(i);
          continue;
        }
        if (!Arrays.equals(r.loadedDigest(), expected)) {
          throw new IllegalStateException("worker rank " + i + " started round " + round
              + " from a model that differs from the average it was sent");
        }
        present.add(i);
        models.add(r.model());
        for (float l : r.losses()) {
          lossSum += l;
        }
        roundSamples += r.indices().length;
        compute[i] = config.costModel() == null ? r.computeSeconds()
            : settings.get(i).localSteps() * config.costModel().stepSeconds(settings.get(i).batch());
        tracker.reported(i, round + 1, r.indices().length, r.computeSeconds());
        if (scores != null) {
          scores.record(r.indices(), r.losses());
        }
      }
      if (present.isEmpty()) {
        throw new IOException("no worker finished round " + round);
      }
      // Weights over the workers that made the round, renormalised (AggregationWeights sums them to 1).
      long[] work = new long[present.size()];
      DeviceClass[] cls = new DeviceClass[present.size()];
      for (int k = 0; k < present.size(); k++) {
        work[k] = perRound[present.get(k)];
        cls[k] = classes[present.get(k)];
      }
      double[] weights = AggregationWeights.of(config.aggregation(), work, cls);
      model = WeightedAverager.average(models.toArray(new float[0][]), weights, config.bufferMask(), includeBuffers);
      double slowest = 0;
      for (int i = 0; i < m; i++) {
        slowest = Math.max(slowest, results[i] == null ? 0 : results[i].computeSeconds());
      }
      timing.add((System.nanoTime() - roundStart) / 1e9, slowest, (posted - roundStart) / 1e9,
          (System.nanoTime() - collected) / 1e9);
      double virtual = clock.chargeRound(compute, slowdown);
      samples += roundSamples;
      round++;
      lossSinceEval += lossSum;
      samplesSinceEval += roundSamples;
      double elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
      double rate = samples / Math.max(1e-9, elapsed);
      listener.onRound(new RoundReport(round, samples, samples / (double) n, config.epochs(), lr,
          lossSum / Math.max(1, roundSamples), elapsed, virtual, rate));
      listener.onWorkers(tracker.statuses());
      if (samples >= nextEval || samples >= budget) {
        Evaluation eval = evaluator.evaluate(model);
        lastAccuracy = eval.accuracy();
        EvaluationReport report = new EvaluationReport(round, samples, samples / (double) n, lr,
            lossSinceEval / Math.max(1, samplesSinceEval), eval.loss(), eval.accuracy(), elapsed, virtual, rate);
        curve.add(report);
        listener.onEvaluation(report);
        lossSinceEval = 0;
        samplesSinceEval = 0;
        while (nextEval <= samples) {
          nextEval += evalEvery;
        }
      }
      if (checkpoints != null && round % checkpointEvery == 0 && samples < budget) {
        checkpoints.save(new CoordinatorState(config.seed(), round, samples, periodIndex, periodStart, perRound.clone(),
            shards, model, scores == null ? null : scores.scores(), scores == null ? List.of() : scores.pendingIndices(),
            scores == null ? List.of() : scores.pendingLosses(), lossSinceEval, samplesSinceEval, nextEval, elapsed, virtual,
            lastAccuracy));
      }
    }
    List<String> digests = stopAll(model, includeBuffers, round);
    if (timing.rounds > 0) {
      log.println("coordinator: " + timing.summary());
    }
    tracker.done();
    listener.onWorkers(tracker.statuses());
    return new RunOutcome(List.copyOf(curve), round, samples, elapsedBefore + (System.nanoTime() - start) / 1e9, clock.now(),
        model, digests, ModelDigest.hex(ModelDigest.of(model, skipInDigest)));
  }

  private static String describe(List<WorkerSettings> settings) {
    StringBuilder b = new StringBuilder();
    for (WorkerSettings w : settings) {
      b.append(b.length() == 0 ? "" : ", ").append("rank ").append(w.rank()).append(' ').append(w.batch()).append('x')
          .append(w.localSteps());
    }
    return b.toString();
  }

  /** In-process workers train while the remote ones do; then the remote answers are read (null: missed). */
  private RoundResult[] collect() throws IOException {
    RoundResult[] results = new RoundResult[workers.size()];
    for (WorkerHandle w : workers) {
      if (w instanceof InProcessWorker) {
        results[w.rank()] = w.await();
      }
    }
    long t0 = System.nanoTime();
    boolean anyRemote = false;
    for (WorkerHandle w : workers) {
      if (!(w instanceof InProcessWorker)) {
        anyRemote = true;
        results[w.rank()] = w.await();
      }
    }
    if (anyRemote) {
      listener.onAggregationWait((System.nanoTime() - t0) / 1e9);
    }
    return results;
  }

  private List<String> stopAll(float[] model, boolean includeBuffers, long round) throws IOException {
    for (WorkerHandle w : workers) {
      w.start(new RoundCommand(round, 0, includeBuffers, 0, true, 0, new int[0], model));
    }
    RoundResult[] finals = collect();
    List<String> digests = new ArrayList<>();
    for (int i = 0; i < finals.length; i++) {
      RoundResult r = finals[i];
      if (r == null) {
        log.println("coordinator: worker rank " + i + " did not confirm the final model");
      }
      digests.add(r == null ? "missing" : ModelDigest.hex(r.loadedDigest()));
    }
    return digests;
  }

  /**
   * Where a round's wall time goes (excluding evaluations and checkpoints): the slowest worker's
   * compute, and the rest = the aggregation overhead (encoding and sending the average, the
   * workers loading and reading their models, transfer, decoding, averaging, digests).
   */
  static final class RoundTiming {
    int rounds;
    double total;
    double slowestCompute;
    double dispatch;
    double average;

    void add(double roundSeconds, double slowest, double dispatchSeconds, double averageSeconds) {
      rounds++;
      total += roundSeconds;
      slowestCompute += slowest;
      dispatch += dispatchSeconds;
      average += averageSeconds;
    }

    String summary() {
      double overhead = Math.max(0, total - slowestCompute);
      return String.format(java.util.Locale.ROOT,
          "round timing over %d rounds: round %.4f s, slowest worker's compute %.4f s, aggregation overhead %.4f s "
              + "(%.1f %% of the round; of it dispatch %.4f s, averaging + digest %.4f s)",
          rounds, total / rounds, slowestCompute / rounds, overhead / rounds, 100 * overhead / total, dispatch / rounds,
          average / rounds);
    }
  }

  /** status.workers: phase, measured samples/s and last round of each worker. */
  static final class WorkerTracker {
    private final String[] names;
    private final String[] phases;
    private final double[] rates;
    private final long[] lastRound;

    WorkerTracker(List<WorkerSettings> settings) {
      int m = settings.size();
      names = new String[m];
      phases = new String[m];
      rates = new double[m];
      lastRound = new long[m];
      replan(settings);
      Arrays.fill(phases, "Waiting");
    }

    void replan(List<WorkerSettings> settings) {
      for (int i = 0; i < settings.size(); i++) {
        names[i] = settings.get(i).name();
      }
    }

    void missed(int i) {
      phases[i] = "Late";
    }

    void reported(int i, long round, int samples, double computeSeconds) {
      phases[i] = "Training";
      lastRound[i] = round;
      if (computeSeconds > 0) {
        rates[i] = samples / computeSeconds;
      }
    }

    void done() {
      Arrays.fill(phases, "Done");
    }

    List<WorkerStatus> statuses() {
      List<WorkerStatus> out = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        out.add(new WorkerStatus(names[i], phases[i], Math.round(rates[i] * 10) / 10.0, lastRound[i]));
      }
      return out;
    }
  }
}
