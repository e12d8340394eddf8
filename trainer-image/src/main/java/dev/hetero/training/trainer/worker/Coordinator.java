package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.planner.AggregationWeights;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.trainer.algo.ScoreTable;
import dev.hetero.training.trainer.algo.ShardPlanner;
import dev.hetero.training.trainer.algo.VirtualClock;
import dev.hetero.training.trainer.algo.WeightedAverager;
import dev.hetero.training.trainer.algo.WorkerSettings;
import dev.hetero.training.trainer.engine.Evaluation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rank 0's round loop, identical for the three algorithms: plan shards at each shuffle period,
 * send every worker the average and its samples, collect the models, average them with the
 * policy's weights, charge the virtual clock, evaluate after every epoch. Sample budget is
 * counted globally: the run stops once all workers together processed epochs x N samples.
 */
public final class Coordinator {
  private final CoordinatorConfig config;
  private final List<WorkerHandle> workers;
  private final ModelEvaluator evaluator;
  private final TrainingListener listener;

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
    long roundSamples = Arrays.stream(perRound).sum();
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
    double lossSinceEval = 0;
    long samplesSinceEval = 0;
    long start = System.nanoTime();
    while (samples < budget) {
      int inPeriod = (int) (round % period);
      if (inPeriod == 0) {
        if (scores != null) {
          scores.mergePending();
        }
        long[] demand = new long[m];
        for (int i = 0; i < m; i++) {
          demand[i] = perRound[i] * period;
        }
        double ratio = config.sampling().candidateRatio() == null ? 4.0 : config.sampling().candidateRatio();
        shards = ShardPlanner.plan(n, demand, biased, scores, ratio, config.seed(), round / period);
      }
      double lr = config.schedule().rateAt(samples / (double) budget);
      byte[] expected = ModelDigest.of(model, skipInDigest);
      for (int i = 0; i < m; i++) {
        int from = (int) (inPeriod * perRound[i]);
        int[] indices = Arrays.copyOfRange(shards[i], from, from + (int) perRound[i]);
        workers.get(i).start(new RoundCommand(round, lr, includeBuffers, config.seed() * 1_000_033L + round, false, indices, model));
      }
      RoundResult[] results = collect();
      float[][] models = new float[m][];
      double[] compute = new double[m];
      double lossSum = 0;
      for (int i = 0; i < m; i++) {
        RoundResult r = results[i];
        if (!Arrays.equals(r.loadedDigest(), expected)) {
          throw new IllegalStateException("worker rank " + i + " started round " + round
              + " from a model that differs from the average it was sent");
        }
        models[i] = r.model();
        for (float l : r.losses()) {
          lossSum += l;
        }
        compute[i] = config.costModel() == null ? r.computeSeconds()
            : settings.get(i).localSteps() * config.costModel().stepSeconds(settings.get(i).batch());
        if (scores != null) {
          scores.record(r.indices(), r.losses());
        }
      }
      // Weights over the workers that reported (all of them until fault tolerance lands).
      double[] weights = AggregationWeights.of(config.aggregation(), perRound, classes);
      model = WeightedAverager.average(models, weights, config.bufferMask(), includeBuffers);
      double virtual = clock.chargeRound(compute, slowdown);
      samples += roundSamples;
      round++;
      lossSinceEval += lossSum;
      samplesSinceEval += roundSamples;
      double elapsed = (System.nanoTime() - start) / 1e9;
      double rate = samples / Math.max(1e-9, elapsed);
      listener.onRound(new RoundReport(round, samples, samples / (double) n, config.epochs(), lr, lossSum / roundSamples,
          elapsed, virtual, rate));
      if (samples >= nextEval || samples >= budget) {
        Evaluation eval = evaluator.evaluate(model);
        EvaluationReport report = new EvaluationReport(round, samples, samples / (double) n, lr,
            lossSinceEval / samplesSinceEval, eval.loss(), eval.accuracy(), (System.nanoTime() - start) / 1e9, virtual, rate);
        curve.add(report);
        listener.onEvaluation(report);
        lossSinceEval = 0;
        samplesSinceEval = 0;
        while (nextEval <= samples) {
          nextEval += evalEvery;
        }
      }
    }
    List<String> digests = stopAll(model, includeBuffers, round);
    return new RunOutcome(List.copyOf(curve), round, samples, (System.nanoTime() - start) / 1e9, clock.now(), model,
        digests, ModelDigest.hex(ModelDigest.of(model, skipInDigest)));
  }

  /** In-process workers train while the remote ones do; then the remote answers are read. */
  private RoundResult[] collect() throws IOException {
    RoundResult[] results = new RoundResult[workers.size()];
    for (WorkerHandle w : workers) {
      if (w instanceof InProcessWorker) {
        results[w.rank()] = w.await();
      }
    }
    for (WorkerHandle w : workers) {
      if (!(w instanceof InProcessWorker)) {
        results[w.rank()] = w.await();
      }
    }
    return results;
  }

  private List<String> stopAll(float[] model, boolean includeBuffers, long round) throws IOException {
    for (WorkerHandle w : workers) {
      w.start(new RoundCommand(round, 0, includeBuffers, 0, true, new int[0], model));
    }
    RoundResult[] finals = collect();
    List<String> digests = new ArrayList<>();
    for (RoundResult r : finals) {
      digests.add(ModelDigest.hex(r.loadedDigest()));
    }
    return digests;
  }
}
