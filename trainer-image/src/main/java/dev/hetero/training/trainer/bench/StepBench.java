package dev.hetero.training.trainer.bench;

import ai.djl.Device;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code step-bench}: what one training step costs per model and batch on one device, the
 * measurement behind the planner's capacities and the virtual clock. Random inputs of the model's
 * shape (no data set needed); the median of the timed steps after a warm-up. On a GPU the time
 * includes copying the batch to the device and the per-sample losses back, as a worker's step does.
 */
public final class StepBench {
  private final PrintStream out;

  public StepBench(PrintStream out) {
    this.out = out;
  }

  /** One model at one batch on one device. */
  public record Measurement(String model, int batch, String device, double medianStepSeconds) {
    public double samplesPerSecond() {
      return batch / medianStepSeconds;
    }
  }

  /**
   * @param models models to time
   * @param batches batch sizes to time each model at
   * @param warmup untimed steps first (CUDA kernels are selected and compiled there)
   * @param steps timed steps; the median is reported
   */
  public record Options(List<ModelName> models, List<Integer> batches, Device device, int warmup, int steps, long seed) {
    public static Options defaults() {
      return new Options(List.of(ModelName.MLP, ModelName.LENET, ModelName.RESNET20), List.of(64, 128, 512), Device.cpu(), 5,
          20, 1);
    }
  }

  /** Times every model at every batch and prints a table, one line per measurement, as they come. */
  public List<Measurement> run(Options o) {
    out.println("| model | batch | device | median step (ms) | samples/s |");
    out.println("|---|---:|---|---:|---:|");
    List<Measurement> all = new ArrayList<>();
    for (ModelName model : o.models()) {
      for (int batch : o.batches()) {
        Measurement m = measure(model, batch, o.warmup(), o.steps(), o.seed(), o.device());
        all.add(m);
        out.printf(Locale.ROOT, "| %s | %d | %s | %.3f | %.0f |%n", m.model(), m.batch(), m.device(), 1000 * m.medianStepSeconds(),
            m.samplesPerSecond());
      }
    }
    return all;
  }

  /** Median of {@code steps} timed training steps after {@code warmup}, on random inputs of the model's shape. */
  public static Measurement measure(ModelName model, int batch, int warmup, int steps, long seed, Device device) {
    DatasetName dataset = model == ModelName.RESNET20 ? DatasetName.CIFAR10 : DatasetName.FASHION_MNIST;
    try (LocalTrainer t = new LocalTrainer(model, dataset, new OptimizerSettings(0.9, 1e-4, false), seed, device)) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] x = new float[batch * t.sampleSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      int[] y = random.ints(batch, 0, 10).toArray();
      double[] times = new double[steps];
      for (int s = 0; s < warmup + steps; s++) {
        long t0 = System.nanoTime();
        // trainStep returns the losses as host floats, so the step has finished on the device when it returns.
        t.trainStep(x, y, batch, 0.01);
        if (s >= warmup) {
          times[s - warmup] = (System.nanoTime() - t0) / 1e9;
        }
      }
      Arrays.sort(times);
      return new Measurement(model.wireName(), batch, device.toString(), times[steps / 2]);
    }
  }
}
