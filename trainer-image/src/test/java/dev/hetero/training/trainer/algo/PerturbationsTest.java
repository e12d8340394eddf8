package dev.hetero.training.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PerturbationsTest {

  @Test
  void epsilonPointsAlongTheGradientWithLengthRho() {
    SplittableRandom random = new SplittableRandom(3);
    float[] g = new float[500];
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) random.nextGaussian() * 3;
    }
    float[] eps = Perturbations.epsilon(g, 0.05, null);
    assertThat(Perturbations.norm(eps, null)).isCloseTo(0.05, within(1e-7));
    double scale = eps[0] / g[0];
    assertThat(scale).isPositive();
    for (int i = 0; i < g.length; i++) {
      assertThat((double) eps[i]).isCloseTo(g[i] * scale, within(1e-8));
    }
  }

  @Test
  void skippedPositionsStayZeroAndDoNotCountInTheNorm() {
    float[] g = {3, 4, 100, -100};
    boolean[] skip = {false, false, true, true};
    float[] eps = Perturbations.epsilon(g, 1.0, skip);
    assertThat(eps).containsExactly(0.6f, 0.8f, 0f, 0f);
  }

  @Test
  void aZeroGradientGivesNoPerturbationAndRhoMustBePositive() {
    assertThat(Perturbations.epsilon(new float[] {0, 0}, 0.05, null)).containsExactly(0f, 0f);
    assertThatThrownBy(() -> Perturbations.epsilon(new float[] {1}, 0, null)).hasMessageContaining("rho");
  }
}
