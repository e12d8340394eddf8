package dev.hetero.training.trainer.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import java.util.ArrayList;
import java.util.List;

/** The built-in architectures, built from DJL blocks. */
public final class ModelFactory {
  private ModelFactory() {
  }

  /**
   * A block, the shape of one input sample (without the batch axis), and the BatchNorm layers
   * whose gamma must start at zero (the last BN of each residual block, so every block starts as
   * the identity).
   */
  public record BuiltModel(Block block, Shape sampleShape, List<BatchNorm> zeroGammaNorms) {
  }

  public static BuiltModel build(ModelName model, DatasetName data) {
    Shape sample = new Shape(data.channels(), data.imageSize(), data.imageSize());
    return switch (model) {
      case MLP -> new BuiltModel(mlp(data.classes()), sample, List.of());
      case LENET -> new BuiltModel(lenet(data.classes()), sample, List.of());
      case RESNET20 -> resnet20(data.classes(), sample);
    };
  }

  /** 784-128-10 (or the image size flattened). */
  static Block mlp(int classes) {
    return new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(128).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /** conv3x3(16)-BN-ReLU-pool, conv3x3(32)-BN-ReLU-pool, linear: about 20k parameters on 28x28. */
  static Block lenet(int classes) {
    return new SequentialBlock()
        .add(conv(16, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(conv(32, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /** CIFAR ResNet-20: a 3x3 stem of 16 channels, 3 stages of 3 basic blocks (16, 32, 64), global pooling. */
  static BuiltModel resnet20(int classes, Shape sample) {
    List<BatchNorm> zeroGamma = new ArrayList<>();
    SequentialBlock net = new SequentialBlock()
        .add(conv(16, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock());
    int in = 16;
    int[] widths = {16, 32, 64};
    for (int stage = 0; stage < 3; stage++) {
      for (int b = 0; b < 3; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        net.add(basicBlock(in, widths[stage], stride, zeroGamma));
        in = widths[stage];
      }
    }
    net.add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
    return new BuiltModel(net, sample, List.copyOf(zeroGamma));
  }

  private static Block basicBlock(int in, int out, int stride, List<BatchNorm> zeroGamma) {
    BatchNorm last = BatchNorm.builder().build();
    zeroGamma.add(last);
    SequentialBlock main = new SequentialBlock()
        .add(conv(out, stride))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(conv(out, 1))
        .add(last);
    Block shortcut = in == out && stride == 1
        ? Blocks.identityBlock()
        : new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).optStride(new Shape(stride, stride))
                .setFilters(out).optBias(false).build())
            .add(BatchNorm.builder().build());
    return new SequentialBlock()
        .add(new ParallelBlock(
            outputs -> new NDList(outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow())),
            List.of(main, shortcut)))
        .add(Activation.reluBlock());
  }

  private static Conv2d conv(int filters, int stride) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .optStride(new Shape(stride, stride))
        .setFilters(filters)
        .optBias(false)
        .build();
  }
}
