package dev.hetero.training.study;

import ai.djl.Device;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.bench.StepBench;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What our trainer costs on this machine: samples/s per model and batch with one thread, the
 * step cost the virtual clock charges, and the share of a round spent outside compute.
 */
public final class StepCosts {
  private StepCosts() {
  }

  public record Measurement(String model, int batch, double medianStepSeconds) {
    public double samplesPerSecond() {
      return batch / medianStepSeconds;
    }
  }

  /** Median of {@code steps} timed training steps after {@code warmup}, on random inputs (the trainer's step-bench), one CPU thread. */
  public static Measurement measure(ModelName model, int batch, int warmup, int steps, long seed) {
    StepBench.Measurement m = StepBench.measure(model, batch, warmup, steps, seed, Device.cpu());
    return new Measurement(m.model(), m.batch(), m.medianStepSeconds());
  }

  /**
   * Shares of a LeNet round outside compute, for the 8x biased configuration (fast workers: 8
   * local steps of batch 64): assembling batches, and the exchange (read the model out, average
   * four models, load the average back in).
   */
  public static String overheadTable(TrainTestData data, int batch, long seed) {
    try (LocalTrainer t = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, new OptimizerSettings(0.9, 1e-4, false), seed)) {
      BatchAssembler assembler = new BatchAssembler(data.train(), Normalization.of(DatasetName.FASHION_MNIST), false);
      float[] x = new float[batch * t.sampleSize()];
      int[] y = new int[batch];
      int[] indices = new SplittableRandom(seed).ints(batch * 200L, 0, data.train().size()).toArray();
      List<Double> fill = new ArrayList<>();
      List<Double> step = new ArrayList<>();
      List<Double> exchange = new ArrayList<>();
      for (int s = 0; s < 120; s++) {
        long t0 = System.nanoTime();
        assembler.fill(indices, s * batch, batch, x, y, null);
        long t1 = System.nanoTime();
        t.trainStep(x, y, batch, 0.01);
        long t2 = System.nanoTime();
        if (s % 8 == 7) {
          float[] model = t.readModel();
          float[] avg = new float[model.length];
          for (int w = 0; w < 4; w++) {
            for (int i = 0; i < model.length; i++) {
              avg[i] += 0.25f * model[i];
            }
          }
          t.loadModel(avg, true);
          exchange.add((System.nanoTime() - t2) / 1e9);
        }
        if (s >= 40) {
          fill.add((t1 - t0) / 1e9);
          step.add((t2 - t1) / 1e9);
        }
      }
      double f = median(fill);
      double c = median(step);
      double e = median(exchange);
      double round = 8 * (f + c) + e;
      return String.format(Locale.ROOT, """
          | part of a round (8 local steps of batch %d, LeNet, 1 thread) | median time | share of the round |
          |---|---:|---:|
          | compute (forward, backward, update) x 8 | %.2f ms | %.1f %% |
          | batch assembly (data) x 8 | %.3f ms | %.1f %% |
          | exchange in process (read model, average 4, load) | %.3f ms | %.1f %% |
          """, batch, 8000 * c, 100 * 8 * c / round, 8000 * f, 100 * 8 * f / round, 1000 * e, 100 * e / round);
    }
  }

  /**
   * Wall seconds of one evaluation of a LeNet on the 10,000 test images (median of 3 after one
   * warm-up): what each point of a curve costs the run (the virtual clock charges evaluation nothing).
   */
  public static double evaluationSeconds(TrainTestData data, long seed) {
    try (LocalTrainer t = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, new OptimizerSettings(0.9, 1e-4, false), seed)) {
      BatchAssembler test = new BatchAssembler(data.test(), Normalization.of(DatasetName.FASHION_MNIST), false);
      List<Double> times = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        long t0 = System.nanoTime();
        t.evaluate(test);
        if (i > 0) {
          times.add((System.nanoTime() - t0) / 1e9);
        }
      }
      return median(times);
    }
  }

  private static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a[a.length / 2];
  }
}
