package dev.hetero.training.trainer.data;

import dev.hetero.training.api.v1alpha1.DatasetName;

/** Per-channel mean and standard deviation of each data set's training images (in [0, 1]). */
public record Normalization(float[] means, float[] stds) {

  public static Normalization of(DatasetName name) {
    return switch (name) {
      case MNIST -> new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
      case FASHION_MNIST -> new Normalization(new float[] {0.2860f}, new float[] {0.3530f});
      case CIFAR10 -> new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
    };
  }

  public float mean(int channel) {
    return means[channel];
  }

  public float std(int channel) {
    return stds[channel];
  }
}
