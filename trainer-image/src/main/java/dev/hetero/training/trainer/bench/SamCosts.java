package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.trainer.algo.Perturbations;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.worker.StepRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * What a step of each update rule and an ascent of each batch size cost on this machine, on one
 * thread (medians of timed repetitions on random inputs of the model's shape: the time does not
 * depend on the pixels), measured once before the simulated runs: the virtual clock's units.
 *
 * @param sgd seconds of an SGD step of the bench's batch
 * @param sam seconds of a SAM step (ascent gradient, epsilon, step from w + epsilon)
 * @param async seconds of an asyncSAM worker's step (model read out for the helper, step from w + epsilon)
 * @param ascentByBatch seconds of an ascent (load the model, gradient of b samples, epsilon) on an unslowed helper
 */
record SamCosts(int batch, double sgd, double sam, double async, Map<Integer, Double> ascentByBatch) {

  static SamCosts measure(ModelName model, DatasetName dataset, int batch, double rho, long seed) {
    OptimizerSettings optimizer = new OptimizerSettings(0.9, 1e-4, false);
    try (LocalTrainer t = new LocalTrainer(model, dataset, optimizer, seed);
        LocalTrainer helper = new LocalTrainer(model, dataset, optimizer, seed)) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] x = new float[batch * t.sampleSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      int[] y = random.ints(batch, 0, 10).toArray();
      boolean[] mask = t.layout().bufferMask();
      float[] eps = Perturbations.epsilon(t.lossGradient(x, y, batch), rho, mask);
      StepRule sam = StepRule.sam(rho, mask);
      float[] snapshot = t.readModel();
      List<Integer> sizes = new ArrayList<>();
      for (int b = 1; b < batch; b *= 2) {
        sizes.add(b);
      }
      sizes.add(batch);
      // Interleaved, so that a change of load on this shared machine weighs on every kind of step alike.
      List<Runnable> kinds = new ArrayList<>(List.of(
          () -> t.trainStep(x, y, batch, 0.01),
          () -> sam.step(t, x, y, batch, 0.01),
          () -> {
            t.readModel();
            t.perturbedStep(x, y, batch, 0.01, eps);
          }));
      for (int size : sizes) {
        kinds.add(() -> {
          helper.loadModel(snapshot, true);
          Perturbations.epsilon(helper.lossGradient(x, y, size), rho, mask);
        });
      }
      double[] medians = medians(10, 41, kinds);
      Map<Integer, Double> ascent = new TreeMap<>();
      for (int i = 0; i < sizes.size(); i++) {
        ascent.put(sizes.get(i), medians[3 + i]);
      }
      double sgd = medians[0];
      double samStep = medians[1];
      double async = medians[2];
      return new SamCosts(batch, sgd, samStep, async, ascent);
    }
  }

  /** The cost model of the training worker's steps: sgd at the batch, sam and asyncSAM as factors of it. */
  StepCostModel steps() {
    return new StepCostModel(Map.of(batch, sgd), Map.of(OptimizerMethod.SAM, sam / sgd, OptimizerMethod.ASYNC_SAM, async / sgd));
  }

  StepCostModel ascents() {
    return new StepCostModel(ascentByBatch);
  }

  /**
   * The largest b (ascent costs interpolated between the measured sizes) whose ascent on a helper
   * {@code slowdown} times slower fits 90 % of an asyncSAM step: where b_p auto should end up.
   */
  int autoBatch(double slowdown) {
    StepCostModel model = ascents();
    int best = 1;
    for (int b = 1; b <= batch; b++) {
      if (model.stepSeconds(b) * slowdown <= 0.9 * async) {
        best = b;
      }
    }
    return best;
  }

  /** The median time of each kind of step, the kinds taking turns. */
  private static double[] medians(int warmup, int repetitions, List<Runnable> kinds) {
    double[][] times = new double[kinds.size()][repetitions];
    for (int i = 0; i < warmup + repetitions; i++) {
      for (int k = 0; k < kinds.size(); k++) {
        long t0 = System.nanoTime();
        kinds.get(k).run();
        if (i >= warmup) {
          times[k][i - warmup] = (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    double[] out = new double[kinds.size()];
    for (int k = 0; k < out.length; k++) {
      Arrays.sort(times[k]);
      out[k] = times[k][repetitions / 2];
    }
    return out;
  }
}
