package dev.hetero.training.operator;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.SampleSelection;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Jobs, nodes and configuration shared by the tests. */
public final class Fixtures {
  private Fixtures() {
  }

  /**
   * One GPU worker and two CPU workers (two cores each, CPU-limited), two restarts allowed,
   * cleanPodPolicy Running: the job most operator tests start from; each test adds what it is about.
   */
  public static JobYaml mixed(String name, String namespace) {
    return mixed(name, namespace, 1, 2, 2);
  }

  /** The mixed job with other pool sizes. */
  public static JobYaml mixed(String name, String namespace, int gpuWorkers, int cpuWorkers, int coresPerCpuWorker) {
    return JobYaml.named(name).namespace(namespace).epochs(1).perWorkerBatch(64).dataPath("/data/fashion-mnist")
        .spec("runPolicy", "{backoffLimit: 2, cleanPodPolicy: Running, restarts: " + JobYaml.FAST_RESTARTS + "}")
        .pool("{name: gpu, deviceClass: gpu, replicas: " + gpuWorkers + ", cpusPerWorker: 1, resources: {requests: {memory: 2Gi}}}")
        .pool("{name: cpu, deviceClass: cpu, replicas: " + cpuWorkers + ", cpusPerWorker: " + coresPerCpuWorker
            + ", resources: {limits: {cpu: \"" + coresPerCpuWorker + "\", memory: 1Gi}}}");
  }

  public static HeteroTrainingJob job(String name, String namespace) {
    return mixed(name, namespace).job();
  }

  /** A manifest the API server would store but the operator's validator refuses (no client-side validation). */
  public static HeteroTrainingJob unvalidated(JobYaml yaml) {
    return Serialization.unmarshal(yaml.yaml(), HeteroTrainingJob.class);
  }

  /**
   * A plan entry for tests that need one without running the planner: capacity 1, batch 32, one
   * local step, weight 1, uniform sampling; change the rest with PlannedWorker's with* helpers.
   */
  public static PlannedWorker worker(String name, int rank, String node, String pool, DeviceClass deviceClass) {
    return new PlannedWorker(name, rank, node, pool, deviceClass, 1.0, 32, 1, 1.0, WorkerRole.FAST, SampleSelection.UNIFORM,
        null);
  }

  public static Node gpuNode(String name, String product) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", name);
    labels.put("nvidia.com/gpu.product", product);
    return node(name, labels, "8", "32Gi", "1");
  }

  public static Node cpuNode(String name, String cpus) {
    return node(name, Map.of("kubernetes.io/hostname", name), cpus, "16Gi", null);
  }

  public static Node node(String name, Map<String, String> labels, String cpu, String memory, String gpus) {
    Map<String, Quantity> allocatable = new LinkedHashMap<>();
    allocatable.put("cpu", new Quantity(cpu));
    allocatable.put("memory", new Quantity(memory));
    if (gpus != null) {
      allocatable.put("nvidia.com/gpu", new Quantity(gpus));
    }
    return new NodeBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus().withAllocatable(allocatable).withCapacity(allocatable)
          .addNewCondition().withType("Ready").withStatus("True")
            .withLastTransitionTime(Instant.now().minusSeconds(3600).toString()).endCondition()
        .endStatus()
        .build();
  }

  /** The operator's settings for tests: blocked jobs retried after {@code retryInterval}, nodes lost after the grace. */
  public static OperatorConfig config(Duration retryInterval, Duration nodeLostGrace) {
    return new OperatorConfig() {
      @Override
      public String trainerImage() {
        return "registry.example/trainer:test";
      }

      @Override
      public Optional<String> trainerGpuImage() {
        return Optional.of("registry.example/trainer:test-cuda");
      }

      @Override
      public Optional<String> gpuCapacity() {
        return Optional.of("A100=96");
      }

      @Override
      public Duration retryInterval() {
        return retryInterval;
      }

      @Override
      public Duration nodeLostGrace() {
        return nodeLostGrace;
      }

      @Override
      public Duration unschedulableRetry() {
        return Duration.ofSeconds(2);
      }

      @Override
      public boolean leaderElectionEnabled() {
        return false;
      }

      @Override
      public String leaseName() {
        return "hetero-training-operator";
      }
    };
  }
}
