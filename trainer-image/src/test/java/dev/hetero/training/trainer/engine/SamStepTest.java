package dev.hetero.training.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.algo.Perturbations;
import dev.hetero.training.trainer.testing.FirstBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SAM's two halves on LeNet with BatchNorm: the ascent gradient leaves no trace, the perturbed step restores w. */
class SamStepTest {
  static final OptimizerSettings SGD = new OptimizerSettings(0.9, 1e-4, false);
  static final int BATCH = 32;
  static float[] x;
  static int[] y;

  @BeforeAll
  static void batch() {
    FirstBatch first = FirstBatch.of(BATCH);
    x = first.x();
    y = first.y();
  }

  static LocalTrainer lenet() {
    return new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 11);
  }

  @Test
  void theLossGradientLeavesWeightsStatisticsAndGradientsAsTheyWere() {
    try (LocalTrainer a = lenet(); LocalTrainer twin = lenet()) {
      float[] before = a.readModel();
      float[] g = a.lossGradient(x, y, BATCH);
      assertThat(a.readModel()).containsExactly(before);
      boolean[] buffers = a.layout().bufferMask();
      for (int i = 0; i < g.length; i++) {
        if (buffers[i]) {
          assertThat(g[i]).isZero();
        }
      }
      assertThat(Perturbations.norm(g, buffers)).isGreaterThan(1e-3);
      // no gradient left behind: the next SGD step is the twin's, which never computed one
      a.trainStep(x, y, BATCH, 0.1);
      twin.trainStep(x, y, BATCH, 0.1);
      assertThat(a.readModel()).containsExactly(twin.readModel());
    }
  }

  @Test
  void epsilonFromARealGradientHasLengthRhoAndRaisesTheLoss() {
    try (LocalTrainer a = lenet(); LocalTrainer probe = lenet()) {
      boolean[] buffers = a.layout().bufferMask();
      float[] eps = Perturbations.epsilon(a.lossGradient(x, y, BATCH), 0.05, buffers);
      assertThat(Perturbations.norm(eps, buffers)).isCloseTo(0.05, within(1e-6));
      float[] w = a.readModel();
      float[] up = w.clone();
      for (int i = 0; i < up.length; i++) {
        up[i] += eps[i];
      }
      assertThat(meanLoss(probe, up)).isGreaterThan(meanLoss(probe, w));
    }
  }

  @Test
  void thePerturbedStepPutsTheWeightsBackExactlyAndKeepsTheBatchStatistics() {
    try (LocalTrainer a = lenet(); LocalTrainer plain = lenet()) {
      boolean[] buffers = a.layout().bufferMask();
      float[] eps = Perturbations.epsilon(a.lossGradient(x, y, BATCH), 0.5, buffers);
      float[] before = a.readModel();
      a.perturbedStep(x, y, BATCH, 0.0, eps);
      float[] after = a.readModel();
      boolean statisticsMoved = false;
      for (int i = 0; i < after.length; i++) {
        if (buffers[i]) {
          statisticsMoved |= after[i] != before[i];
        } else {
          assertThat(after[i]).as("weight %d after a step with lr 0", i).isEqualTo(before[i]);
        }
      }
      assertThat(statisticsMoved).as("the descent pass updates the BatchNorm running statistics").isTrue();
      // with a zero perturbation the perturbed step is the plain step, to the bit
      LocalTrainer zero = lenet();
      zero.perturbedStep(x, y, BATCH, 0.1, new float[eps.length]);
      plain.trainStep(x, y, BATCH, 0.1);
      assertThat(zero.readModel()).containsExactly(plain.readModel());
      zero.close();
    }
  }

  @Test
  void theUpdateUsesTheGradientAtThePerturbedPointOnTheRestoredWeights() {
    OptimizerSettings noMomentum = new OptimizerSettings(0.0, 1e-4, false);
    try (LocalTrainer a = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, noMomentum, 11);
        LocalTrainer at = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, noMomentum, 11)) {
      boolean[] buffers = a.layout().bufferMask();
      float[] w = a.readModel();
      float[] eps = Perturbations.epsilon(a.lossGradient(x, y, BATCH), 0.05, buffers);
      float[] up = w.clone();
      for (int i = 0; i < up.length; i++) {
        up[i] += eps[i];
      }
      at.loadModel(up, true);
      float[] gUp = at.lossGradient(x, y, BATCH);
      double lr = 0.1;
      a.perturbedStep(x, y, BATCH, lr, eps);
      float[] after = a.readModel();
      for (int i = 0; i < w.length; i++) {
        if (!buffers[i]) {
          assertThat((double) after[i]).isCloseTo(w[i] - lr * (gUp[i] + 1e-4 * w[i]), within(1e-6));
        }
      }
    }
  }

  private static double meanLoss(LocalTrainer probe, float[] model) {
    probe.loadModel(model, true);
    float[] before = probe.readModel();
    float[] losses = probe.perturbedStep(x, y, BATCH, 0.0, new float[model.length]);
    probe.loadModel(before, true);
    double sum = 0;
    for (float l : losses) {
      sum += l;
    }
    return sum / losses.length;
  }
}
