package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Data sets the trainer can read, each in its original file format. */
public enum DatasetName implements WireNamed {
  /** Fashion-MNIST, 60k + 10k 28x28 grey images, IDX files (raw or .gz). */
  @JsonProperty("fashion-mnist") FASHION_MNIST(1, 28, 10),
  /** MNIST, 60k + 10k 28x28 grey images, IDX files (raw or .gz). */
  @JsonProperty("mnist") MNIST(1, 28, 10),
  /** CIFAR-10, 50k + 10k 32x32 colour images, binary batches. */
  @JsonProperty("cifar10") CIFAR10(3, 32, 10);

  private final int channels;
  private final int imageSize;
  private final int classes;

  DatasetName(int channels, int imageSize, int classes) {
    this.channels = channels;
    this.imageSize = imageSize;
    this.classes = classes;
  }

  public int channels() {
    return channels;
  }

  public int imageSize() {
    return imageSize;
  }

  public int classes() {
    return classes;
  }
}
