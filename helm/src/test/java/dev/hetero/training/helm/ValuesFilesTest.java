package dev.hetero.training.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart's ci/*-values.yaml files (what users write, lists and maps included) render as intended. */
class ValuesFilesTest {

  static Stream<Path> valuesFiles() throws IOException {
    try (Stream<Path> files = Files.list(Chart.chartDir().resolve("ci"))) {
      return files.filter(f -> f.getFileName().toString().endsWith("-values.yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valuesFiles")
  void rendersWithADeployment(Path valuesFile) {
    List<HasMetadata> resources = Chart.parse(Chart.templateWithValuesFile(valuesFile));

    assertThat(Chart.ofType(resources, Deployment.class)).hasSize(1);
  }

  @Test
  void namespacedValuesFileGivesRolesInTheListedNamespaces() {
    List<HasMetadata> resources = Chart.parse(Chart.templateWithValuesFile(Chart.chartDir().resolve("ci/namespaced-values.yaml")));
    Map<String, String> env = ChartRenderingTest.operatorContainer(Chart.single(resources, Deployment.class)).getEnv().stream()
        .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));

    assertThat(Chart.ofType(resources, Role.class)).extracting(r -> r.getMetadata().getNamespace())
        .contains("team-a", "team-b");
    assertThat(Chart.single(resources, ClusterRole.class).getMetadata().getName()).endsWith("-nodes");
    assertThat(env).containsEntry("HETERO_WATCH_NAMESPACES", "team-a,team-b");
    // Numbers from a values file print as plain decimals, never in e-notation.
    assertThat(env).containsEntry("HETERO_GPU_CAPACITY", "A100=96,B200=100000,L4=30.5,T4=0.5");
  }

  @Test
  void haMonitoringValuesFileGivesPdbServiceMonitorAndDashboard() {
    List<HasMetadata> resources = Chart.parse(Chart.templateWithValuesFile(Chart.chartDir().resolve("ci/ha-monitoring-values.yaml")));
    Deployment deployment = Chart.single(resources, Deployment.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
    assertThat(ChartRenderingTest.operatorContainer(deployment).getImage()).isEqualTo("registry.example.com/ml/hetero-training-operator:0.1.0");
    assertThat(Chart.ofType(resources, PodDisruptionBudget.class)).hasSize(1);
    assertThat(Chart.single(resources, GenericKubernetesResource.class).getKind()).isEqualTo("ServiceMonitor");
    assertThat(Chart.single(resources, ConfigMap.class).getMetadata().getNamespace()).isEqualTo("monitoring");
  }
}
