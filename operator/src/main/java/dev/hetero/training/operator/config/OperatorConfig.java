package dev.hetero.training.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Operator settings ({@code hetero.*} in application.properties). Each is overridable by the
 * environment variable named in docs/operator-contract.md, e.g. {@code hetero.trainer-image}
 * by {@code HETERO_TRAINER_IMAGE} (MicroProfile Config's environment mapping).
 */
@ConfigMapping(prefix = "hetero")
public interface OperatorConfig {

  /** Default trainer image for pools without {@code image}. */
  @WithDefault("docker.io/hetero-training/trainer:0.1.0")
  String trainerImage();

  /**
   * Trainer image for {@code deviceClass: gpu} pools without {@code image}: the CUDA build
   * ({@code HETERO_TRAINER_GPU_IMAGE}). Unset: the trainer image, whose CPU natives make a GPU
   * worker fail with NoCudaDevice unless its pool allows {@code deviceFallback: cpu}.
   */
  Optional<String> trainerGpuImage();

  /** GPU capacity table overrides, {@code PRODUCT=capacity,...}. */
  Optional<String> gpuCapacity();

  /**
   * How soon a job blocked by a failed API request (a child not applied, a request refused) is
   * tried again. Worker restarts have their own backoff per cause, in the job's
   * spec.runPolicy.restarts.
   */
  @WithDefault("10s")
  Duration retryInterval();

  /** How long a node may be NotReady before its workers are re-planned. */
  @WithDefault("2m")
  Duration nodeLostGrace();

  /** How often an Unschedulable job re-plans even without a Node event (other pods may have left). */
  @WithDefault("30s")
  Duration unschedulableRetry();

  /** Take the Lease before reconciling (needed for more than one replica). */
  @WithDefault("false")
  boolean leaderElectionEnabled();

  /** Name of the leader Lease. */
  @WithDefault("hetero-training-operator")
  String leaseName();
}
