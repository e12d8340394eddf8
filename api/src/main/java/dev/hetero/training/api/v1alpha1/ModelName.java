package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The built-in architectures the trainer knows. */
public enum ModelName {
  /** Multi-layer perceptron 784-128-10: smoke tests and fast baselines. */
  @JsonProperty("mlp") MLP("mlp"),
  /** Small CNN with BatchNorm (conv16-BN-ReLU-pool, conv32-BN-ReLU-pool, linear), about 20k parameters. */
  @JsonProperty("lenet") LENET("lenet"),
  /** CIFAR ResNet-20 (16/32/64 channels, zero-initialised last BN gamma per block). */
  @JsonProperty("resnet20") RESNET20("resnet20");

  private final String wireName;

  ModelName(String wireName) {
    this.wireName = wireName;
  }

  /** The value written in YAML. */
  public String wireName() {
    return wireName;
  }
}
