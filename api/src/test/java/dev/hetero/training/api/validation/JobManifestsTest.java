package dev.hetero.training.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.Fixtures;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JobManifestsTest {
  private static final String VALID = """
      apiVersion: training.hetero.dev/v1alpha1
      kind: HeteroTrainingJob
      metadata:
        name: demo
      spec:
        model: {name: lenet}
        dataset: {name: fashion-mnist, source: {path: /data}}
        training: {algorithm: syncSGD, batch: {global: 128}}
        pools:
        - {name: cpu, deviceClass: cpu, replicas: 2}
      """;

  static Stream<Path> examples() throws Exception {
    try (Stream<Path> files = Files.list(Fixtures.repoRoot().resolve("k8s").resolve("examples"))) {
      List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertThat(yamls).isNotEmpty();
      return yamls.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyShippedExampleIsAValidJob(Path example) {
    HeteroTrainingJob job = JobManifests.read(example);
    assertThat(job.getMetadata().getName()).isNotBlank();
  }

  @Test
  void readsAValidManifest() {
    HeteroTrainingJob job = JobManifests.parse(VALID, "demo.yaml");
    assertThat(job.getSpec().training().algorithm()).isEqualTo(Algorithm.SYNC_SGD);
    assertThat(job.getSpec().pools()).hasSize(2 - 1);
  }

  @Test
  void unknownFieldIsNamedWithItsPath() {
    assertThatThrownBy(() -> JobManifests.parse(VALID.replace("replicas: 2", "replicas: 2, gpuz: 1"), "demo.yaml"))
        .hasMessage("demo.yaml: spec.pools[0].gpuz: unknown field");
  }

  @Test
  void badEnumValueListsTheAllowedOnes() {
    assertThatThrownBy(() -> JobManifests.parse(VALID.replace("syncSGD", "asyncSGD"), "demo.yaml"))
        .hasMessageContaining("demo.yaml: spec.training.algorithm: invalid value 'asyncSGD'")
        .hasMessageContaining("allowed: syncSGD, localSGD, biasedLocalSGD");
  }

  @Test
  void wrongKindIsRefused() {
    assertThatThrownBy(() -> JobManifests.parse(VALID.replace("kind: HeteroTrainingJob", "kind: Job"), "demo.yaml"))
        .hasMessageContaining("expected apiVersion training.hetero.dev/v1alpha1 and kind HeteroTrainingJob")
        .hasMessageContaining("kind 'Job'");
  }

  @Test
  void ruleViolationsAreAllListed() {
    String broken = VALID.replace("{global: 128}", "{global: 128, perWorker: 8}").replace("replicas: 2", "replicas: 2, gpusPerWorker: 1");
    assertThatThrownBy(() -> JobManifests.parse(broken, "demo.yaml"))
        .hasMessageContaining("invalid HeteroTrainingJob demo")
        .hasMessageContaining("spec.training.batch: set exactly one of global or perWorker")
        .hasMessageContaining("spec.pools[].gpusPerWorker is only allowed when deviceClass is gpu");
  }

  @Test
  void missingFileAndBrokenYamlAreNamed() {
    assertThatThrownBy(() -> JobManifests.read(Path.of("no/such/job.yaml")))
        .hasMessage("no/such/job.yaml: no such file");
    assertThatThrownBy(() -> JobManifests.parse("spec: [unclosed", "bad.yaml"))
        .hasMessageStartingWith("bad.yaml: not valid YAML");
    assertThatThrownBy(() -> JobManifests.parse(VALID.replace("name: demo", "labels: {}"), "demo.yaml"))
        .hasMessage("demo.yaml: metadata.name: required");
  }
}
