package dev.hetero.training.operator;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
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

  /** One GPU worker and two CPU workers, two restarts allowed. */
  public static final String MIXED_JOB = """
      apiVersion: training.hetero.dev/v1alpha1
      kind: HeteroTrainingJob
      metadata:
        name: %s
        namespace: %s
      spec:
        model: {name: lenet}
        dataset: {name: fashion-mnist, source: {path: /data/fashion-mnist}}
        training: {epochs: 1, batch: {perWorker: 64}}
        pools:
        - name: gpu
          deviceClass: gpu
          replicas: 1
          cpusPerWorker: 1
          resources: {requests: {memory: 2Gi}}
        - name: cpu
          deviceClass: cpu
          replicas: 2
          cpusPerWorker: 2
          resources: {limits: {cpu: "2", memory: 1Gi}}
        runPolicy: {backoffLimit: 2, cleanPodPolicy: Running}
      """;

  public static HeteroTrainingJob job(String name, String namespace) {
    return Serialization.unmarshal(MIXED_JOB.formatted(name, namespace), HeteroTrainingJob.class);
  }

  public static HeteroTrainingJob fromYaml(String yaml) {
    return Serialization.unmarshal(yaml, HeteroTrainingJob.class);
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

  public static OperatorConfig config(Duration backoffBase, Duration backoffMax, Duration nodeLostGrace) {
    return new OperatorConfig() {
      @Override
      public String trainerImage() {
        return "registry.example/trainer:test";
      }

      @Override
      public Optional<String> gpuCapacity() {
        return Optional.of("A100=96");
      }

      @Override
      public Duration backoffBase() {
        return backoffBase;
      }

      @Override
      public Duration backoffMax() {
        return backoffMax;
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
