package dev.hetero.training.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.algo.WeightedAverager;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {
  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
  static TrainTestData data;
  static final OptimizerSettings SGD = new OptimizerSettings(0.9, 1e-4, false);

  @BeforeAll
  static void load() {
    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
    TrainTestData full = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, FASHION);
    data = new TrainTestData(full.train().head(8000), full.test().head(1000));
  }

  @Test
  void lenetLearnsFashionMnistAboveChanceAndReturnsPerSampleLosses() {
    try (LocalTrainer trainer = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 1)) {
      BatchAssembler train = new BatchAssembler(data.train(), Normalization.of(DatasetName.FASHION_MNIST), false);
      int batch = 64;
      float[] x = new float[batch * 784];
      int[] y = new int[batch];
      int[] order = new int[data.train().size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      float first = 0;
      float last = 0;
      long t0 = System.nanoTime();
      int steps = order.length / batch;
      for (int s = 0; s < steps; s++) {
        train.fill(order, s * batch, batch, x, y, new SplittableRandom(s));
        float[] losses = trainer.trainStep(x, y, batch, 0.05);
        assertThat(losses).hasSize(batch);
        float mean = 0;
        for (float l : losses) {
          mean += l / batch;
        }
        if (s == 0) {
          first = mean;
        }
        last = mean;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("lenet: %d steps in %.2f s = %.0f samples/s, loss %.3f -> %.3f%n", steps, seconds,
          steps * batch / seconds, first, last);
      Evaluation eval = trainer.evaluate(new BatchAssembler(data.test(), Normalization.of(DatasetName.FASHION_MNIST), false));
      System.out.println("eval " + eval);
      assertThat(first).isGreaterThan(1.8f);
      assertThat(eval.accuracy()).isGreaterThan(0.65);
    }
  }

  @Test
  void modelVectorRoundTripsAndIncludesBatchNormStatistics() {
    try (LocalTrainer a = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 1);
        LocalTrainer b = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 2)) {
      ModelLayout layout = a.layout();
      assertThat(layout.names()).anyMatch(n -> n.contains("runningMean")).anyMatch(n -> n.contains("runningVar"));
      assertThat(layout.bufferValues()).isEqualTo(2 * (16 + 32));
      // Train a on some batches so its running statistics move away from b's.
      BatchAssembler train = new BatchAssembler(data.train(), Normalization.of(DatasetName.FASHION_MNIST), false);
      float[] x = new float[32 * 784];
      int[] y = new int[32];
      int[] order = java.util.stream.IntStream.range(0, 64).toArray();
      train.fill(order, 0, 32, x, y, null);
      a.trainStep(x, y, 32, 0.05);
      float[] va = a.readModel();
      float[] vb = b.readModel();
      boolean[] mask = layout.bufferMask();
      float[] avg = WeightedAverager.average(new float[][] {va, vb}, new double[] {0.5, 0.5}, mask, true);
      b.loadModel(avg, true);
      float[] loaded = b.readModel();
      assertThat(loaded).containsExactly(avg);
      int bufferPos = firstTrue(mask);
      assertThat(va[bufferPos]).isNotEqualTo(vb[bufferPos]);
      assertThat(loaded[bufferPos]).isEqualTo((va[bufferPos] + vb[bufferPos]) / 2, org.assertj.core.data.Offset.offset(1e-6f));
      // Without buffers, b keeps its own statistics.
      b.loadModel(vb, true);
      b.loadModel(avg, false);
      assertThat(b.readModel()[bufferPos]).isEqualTo(vb[bufferPos]);
    }
  }

  /** The claim behind syncSGD's implementation: averaging models after each step = stepping on the averaged gradient. */
  @Test
  void averagingModelsAfterEveryStepEqualsOneStepOnTheWholeBatchWithMomentum() {
    try (LocalTrainer w0 = new LocalTrainer(ModelName.MLP, DatasetName.FASHION_MNIST, SGD, 5);
        LocalTrainer w1 = new LocalTrainer(ModelName.MLP, DatasetName.FASHION_MNIST, SGD, 5);
        LocalTrainer single = new LocalTrainer(ModelName.MLP, DatasetName.FASHION_MNIST, SGD, 5)) {
      float[] start = w0.readModel();
      w1.loadModel(start, true);
      single.loadModel(start, true);
      BatchAssembler train = new BatchAssembler(data.train(), Normalization.of(DatasetName.FASHION_MNIST), false);
      int[] order = java.util.stream.IntStream.range(0, 3 * 128).toArray();
      float[] x = new float[128 * 784];
      int[] y = new int[128];
      float[] average = start;
      for (int step = 0; step < 3; step++) {
        train.fill(order, step * 128, 128, x, y, null);
        single.trainStep(x, y, 128, 0.1);
        w0.loadModel(average, true);
        w1.loadModel(average, true);
        w0.trainStep(java.util.Arrays.copyOfRange(x, 0, 64 * 784), java.util.Arrays.copyOfRange(y, 0, 64), 64, 0.1);
        w1.trainStep(java.util.Arrays.copyOfRange(x, 64 * 784, 128 * 784), java.util.Arrays.copyOfRange(y, 64, 128), 64, 0.1);
        average = WeightedAverager.average(new float[][] {w0.readModel(), w1.readModel()}, new double[] {64, 64}, null, true);
      }
      float[] reference = single.readModel();
      double maxDiff = 0;
      double moved = 0;
      for (int i = 0; i < reference.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(reference[i] - average[i]));
        moved = Math.max(moved, Math.abs(reference[i] - start[i]));
      }
      assertThat(moved).isGreaterThan(1e-3);
      assertThat(maxDiff).isLessThan(1e-5);
    }
  }

  /** What a checkpoint saves of a worker: with model and momentum restored, a new trainer steps exactly as the old one. */
  @Test
  void aNewTrainerGivenTheModelAndTheOptimizerStateStepsExactlyAsTheOldOneAndWithoutTheStateItDoesNot() {
    try (LocalTrainer old = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 3);
        LocalTrainer restored = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 4);
        LocalTrainer forgetful = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 4)) {
      BatchAssembler train = new BatchAssembler(data.train(), Normalization.of(DatasetName.FASHION_MNIST), false);
      int[] order = java.util.stream.IntStream.range(0, 6 * 32).toArray();
      float[] x = new float[32 * 784];
      int[] y = new int[32];
      for (int step = 0; step < 5; step++) {
        train.fill(order, step * 32, 32, x, y, null);
        old.trainStep(x, y, 32, 0.05);
      }
      assertThat(old.optimizerStateSize()).as("one momentum value per trainable value").isEqualTo(20_538);
      float[] state = old.optimizerState();
      assertThat(state).hasSize(20_538).isNotEqualTo(new float[20_538]);
      restored.loadModel(old.readModel(), true);
      restored.loadOptimizerState(state);
      forgetful.loadModel(old.readModel(), true);
      assertThat(restored.optimizerState()).containsExactly(state);

      train.fill(order, 5 * 32, 32, x, y, null);
      float[] lossOld = old.trainStep(x, y, 32, 0.05);
      float[] lossRestored = restored.trainStep(x, y, 32, 0.05);
      forgetful.trainStep(x, y, 32, 0.05);
      assertThat(lossRestored).containsExactly(lossOld);
      assertThat(restored.readModel()).containsExactly(old.readModel());
      assertThat(forgetful.readModel()).isNotEqualTo(old.readModel());
      assertThatThrownBy(() -> restored.loadOptimizerState(new float[3])).hasMessageContaining("optimizer state has 3 values");
    }
  }

  static int firstTrue(boolean[] mask) {
    for (int i = 0; i < mask.length; i++) {
      if (mask[i]) {
        return i;
      }
    }
    return -1;
  }
}
