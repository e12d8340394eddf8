package dev.hetero.training.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** k8s/install/ and k8s/kustomize/base/ are exactly what ManifestsWriter renders from the chart. */
class ManifestsDriftTest {
  private static final String HOW_TO_FIX = "the plain manifests drifted from the Helm chart; regenerate them with:%n  "
      + ManifestsWriter.UPDATE_COMMAND + "%nand commit the result";

  @Test
  void committedManifestsEqualTheRenderedChart() throws IOException {
    Path root = Chart.projectRoot();
    Map<String, byte[]> rendered = ManifestsWriter.render(root);

    for (Map.Entry<String, byte[]> file : rendered.entrySet()) {
      Path committed = root.resolve(file.getKey());
      assertThat(committed).as(HOW_TO_FIX + " (%s is missing)", committed).isRegularFile();
      assertThat(Files.readString(committed, StandardCharsets.UTF_8))
          .as(HOW_TO_FIX + " (%s differs)", file.getKey())
          .isEqualTo(new String(file.getValue(), StandardCharsets.UTF_8));
    }
    for (String dir : List.of(ManifestsWriter.INSTALL_DIR, ManifestsWriter.KUSTOMIZE_BASE_DIR)) {
      try (Stream<Path> files = Files.list(root.resolve(dir))) {
        assertThat(files.map(f -> root.relativize(f).toString().replace('\\', '/')))
            .as(HOW_TO_FIX + " (unexpected files in %s)", dir)
            .allMatch(rendered::containsKey);
      }
    }
  }

  @Test
  void installFilesAreNumberedInApplyOrder() {
    Map<String, String> install = ManifestsWriter.installFiles(Chart.projectRoot());

    assertThat(install.keySet()).containsExactly("00-namespace.yaml", "01-crd.yaml", "02-rbac.yaml", "03-operator.yaml");
    assertThat(install.get("00-namespace.yaml")).contains("kind: Namespace", "name: " + Chart.NAMESPACE);
    assertThat(install.get("01-crd.yaml")).contains("kind: \"CustomResourceDefinition\"");
    assertThat(install.get("02-rbac.yaml")).contains("kind: ServiceAccount", "kind: ClusterRole", "kind: ClusterRoleBinding");
    assertThat(install.get("03-operator.yaml")).contains("kind: Deployment", "kind: Service");
    // kubectl applies these, not Helm: no labels claiming Helm manages them.
    assertThat(String.join("", install.values())).doesNotContain("managed-by: Helm", "helm.sh/chart");
  }

  @Test
  void installManifestsParseAsKubernetesObjects() {
    Map<String, String> install = ManifestsWriter.installFiles(Chart.projectRoot());

    assertThat(Chart.parse(install.get("02-rbac.yaml")).size() + Chart.parse(install.get("03-operator.yaml")).size())
        .isEqualTo(Chart.render(Map.of()).size());
    assertThat(Chart.parse(install.get("03-operator.yaml")))
        .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE));
  }
}
