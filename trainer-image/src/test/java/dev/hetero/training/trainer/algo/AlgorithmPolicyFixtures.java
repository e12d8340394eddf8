package dev.hetero.training.trainer.algo;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.api.validation.SpecDefaults;

final class AlgorithmPolicyFixtures {
  private AlgorithmPolicyFixtures() {
  }

  static HeteroTrainingJobSpec spec(String algorithm, String aggregation) {
    String yaml = """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata: {name: t}
        spec:
          model: {name: lenet}
          dataset: {name: fashion-mnist, source: {path: /data}}
          training: {algorithm: %s, epochs: 1, batch: {perWorker: 64}}
          aggregation: {policy: %s}
          pools:
          - {name: fast, deviceClass: cpu, replicas: 2}
          - {name: slow, deviceClass: cpu, replicas: 2, simulatedSlowdown: 8}
        """.formatted(algorithm, aggregation);
    return SpecDefaults.apply(JobManifests.parse(yaml, "test").getSpec());
  }
}
