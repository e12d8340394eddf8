package dev.hetero.training.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.planner.CapacityLabels;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.validation.JobManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every k8s/examples/*.yaml is a valid HeteroTrainingJob, by the same rules the API module enforces. */
class ExamplesTest {

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Chart.projectRoot().resolve("k8s/examples"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void parsesAndValidates(Path example) throws IOException {
    HeteroTrainingJob job = JobManifests.parse(Files.readString(example), example.getFileName().toString());

    assertThat(job.getMetadata().getName()).isNotBlank();
    assertThat(job.getSpec().pools()).isNotEmpty();
  }

  @Test
  void theExpectedExamplesExistWithDistinctNames() throws IOException {
    List<Path> examples = examples().toList();
    assertThat(examples).extracting(p -> p.getFileName().toString()).contains(
        "cpu-only.yaml", "mixed-gpu-cpu.yaml", "fashion-mnist-local.yaml", "explicit-capacity-labels.yaml", "suspended.yaml",
        "dra-gpu-cpu.yaml");
    Set<String> names = new HashSet<>();
    for (Path example : examples) {
      String name = JobManifests.parse(Files.readString(example), example.toString()).getMetadata().getName();
      assertThat(names.add(name)).as("job name %s repeats in %s", name, example).isTrue();
    }
  }

  @Test
  void explicitCapacityExampleUsesAPoolSelectorAndCapacityPerWorker() throws IOException {
    HeteroTrainingJob job = read("explicit-capacity-labels.yaml");

    assertThat(job.getSpec().pools()).anySatisfy(p -> assertThat(p.capacityPerWorker()).isPositive());
    assertThat(job.getSpec().pools()).anySatisfy(p -> assertThat(p.nodeSelector()).isNotEmpty());
    assertThat(job.getSpec().pools()).extracting(PoolSpec::name).doesNotHaveDuplicates();
  }

  @Test
  void draExampleClaimsItsGpusThroughItsDeviceClass() throws IOException {
    HeteroTrainingJob job = read("dra-gpu-cpu.yaml");

    assertThat(job.getSpec().pools()).filteredOn(PoolSpec::claimsDevices).singleElement()
        .satisfies(p -> assertThat(p.deviceClaim().deviceClassName()).isEqualTo("gpu.nvidia.com"));
  }

  @Test
  void suspendedExampleIsSuspended() throws IOException {
    assertThat(read("suspended.yaml").getSpec().runPolicy().suspend()).isTrue();
  }

  @Test
  void labellingGuideNamesEveryCapacityLabelAndExample() throws IOException {
    String guide = Files.readString(Chart.projectRoot().resolve("k8s/examples/README.md"));

    assertThat(guide).contains(CapacityLabels.CAPACITY, CapacityLabels.CAPACITY_PER_GPU, CapacityLabels.CAPACITY_PER_CPU,
        CapacityLabels.GPU_PRODUCT, "kubectl label node");
    for (Path example : examples().toList()) {
      assertThat(guide).as("k8s/examples/README.md mentions %s", example.getFileName()).contains(example.getFileName().toString());
    }
  }

  @Test
  void anInvalidManifestIsRefused() {
    String bad = """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata:
          name: bad
        spec:
          model: {name: lenet}
          pools: []
        """;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobManifests.parse(bad, "bad.yaml"))
        .hasMessageContaining("bad.yaml");
  }

  private static HeteroTrainingJob read(String fileName) throws IOException {
    Path file = Chart.projectRoot().resolve("k8s/examples").resolve(fileName);
    return JobManifests.parse(Files.readString(file), fileName);
  }
}
