package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The built-in architectures the trainer knows. */
public enum ModelName implements WireNamed {
  /** Multi-layer perceptron 784-128-10: smoke tests and fast baselines. */
  @JsonProperty("mlp") MLP,
  /** Small CNN with BatchNorm (conv16-BN-ReLU-pool, conv32-BN-ReLU-pool, linear), about 20k parameters. */
  @JsonProperty("lenet") LENET,
  /** CIFAR ResNet-20 (16/32/64 channels, zero-initialised last BN gamma per block). */
  @JsonProperty("resnet20") RESNET20;

  /** The value written in YAML. */}
