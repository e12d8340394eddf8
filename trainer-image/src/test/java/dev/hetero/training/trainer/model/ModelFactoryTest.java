package dev.hetero.training.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelFactoryTest {
  static final OptimizerSettings SGD = new OptimizerSettings(0.9, 1e-4, false);

  @BeforeAll
  static void engine() {
    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
  }

  @Test
  void parameterCountsMatchTheArchitectures() {
    try (LocalTrainer mlp = new LocalTrainer(ModelName.MLP, DatasetName.FASHION_MNIST, SGD, 1);
        LocalTrainer lenet = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 1)) {
      assertThat(mlp.layout().totalSize()).isEqualTo(784 * 128 + 128 + 128 * 10 + 10);
      // conv 1x16x3x3, BN 16 (gamma, beta, mean, var), conv 16x32x3x3, BN 32, linear 1568x10 + 10
      int trainable = 144 + 2 * 16 + 4608 + 2 * 32 + 15680 + 10;
      assertThat(lenet.layout().totalSize() - lenet.layout().bufferValues()).isEqualTo(trainable);
      assertThat(trainable).isBetween(19_000, 22_000);
    }
  }

  @Test
  void resnet20HasTheCifarShapeAndStartsEveryBlockAsIdentity() {
    try (LocalTrainer resnet = new LocalTrainer(ModelName.RESNET20, DatasetName.CIFAR10, SGD, 1)) {
      int trainable = resnet.layout().totalSize() - resnet.layout().bufferValues();
      // ResNet-20 for CIFAR has about 0.27 M parameters.
      assertThat(trainable).isBetween(268_000, 275_000);
      long convs = resnet.layout().names().stream().filter(n -> n.contains("Conv2d") && n.endsWith("weight")).count();
      assertThat(convs).isEqualTo(1 + 18 + 2); // stem, 9 blocks x 2, 2 projection shortcuts
      ModelFactory.BuiltModel built = ModelFactory.build(ModelName.RESNET20, DatasetName.CIFAR10);
      assertThat(built.zeroGammaNorms()).hasSize(9);
      try (NDManager manager = NDManager.newBaseManager()) {
        built.block().initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, 32, 32));
        NDArray out = built.block().forward(new ParameterStore(manager, false),
            new NDList(manager.randomNormal(new Shape(2, 3, 32, 32))), false).singletonOrThrow();
        assertThat(out.getShape()).isEqualTo(new Shape(2, 10));
      }
      // In the trainer, the last BN gamma of each block starts at zero.
      float[] model = resnet.readModel();
      int offset = 0;
      int zeroGammas = 0;
      for (int p = 0; p < resnet.layout().names().size(); p++) {
        String name = resnet.layout().names().get(p);
        if (name.endsWith("gamma")) {
          boolean allZero = true;
          for (int i = 0; i < resnet.layout().sizes()[p]; i++) {
            allZero &= model[offset + i] == 0f;
          }
          zeroGammas += allZero ? 1 : 0;
        }
        offset += resnet.layout().sizes()[p];
      }
      assertThat(zeroGammas).isEqualTo(9);
    }
  }
}
