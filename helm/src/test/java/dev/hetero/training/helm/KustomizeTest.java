package dev.hetero.training.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kustomize base lists the generated files; the example overlay points at names that exist in
 * the base (no kustomize binary here: kustomize build of the overlay was checked by hand with
 * kubectl 1.35 / kustomize 5.7.1, see docs/install.md).
 */
class KustomizeTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void baseListsEveryInstallFile() throws IOException {
    Path base = Chart.projectRoot().resolve(ManifestsWriter.KUSTOMIZE_BASE_DIR);
    JsonNode kustomization = YAML.readTree(base.resolve("kustomization.yaml").toFile());

    List<String> resources = new ArrayList<>();
    kustomization.path("resources").forEach(r -> resources.add(r.asText()));
    assertThat(resources).containsExactlyElementsOf(ManifestsWriter.installFiles(Chart.projectRoot()).keySet());
    assertThat(resources).allSatisfy(r -> assertThat(base.resolve(r)).isRegularFile());
  }

  @Test
  void exampleOverlayTargetsObjectsOfTheBase() throws IOException {
    Path overlay = Chart.projectRoot().resolve("k8s/kustomize/overlays/example");
    JsonNode kustomization = YAML.readTree(overlay.resolve("kustomization.yaml").toFile());
    List<HasMetadata> base = baseObjects();
    Deployment deployment = Chart.single(base, Deployment.class);

    List<String> resources = new ArrayList<>();
    kustomization.path("resources").forEach(r -> resources.add(r.asText()));
    assertThat(resources).contains("../../base");
    for (String resource : resources) {
      assertThat(overlay.resolve(resource)).exists();
    }
    assertThat(kustomization.path("namespace").asText()).isNotBlank().isNotEqualTo(Chart.NAMESPACE);

    String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    kustomization.path("images").forEach(i -> assertThat(image).startsWith(i.path("name").asText() + ":"));
    kustomization.path("replicas").forEach(r -> assertThat(r.path("name").asText()).isEqualTo(deployment.getMetadata().getName()));
    for (JsonNode patch : kustomization.path("patches")) {
      JsonNode target = patch.path("target");
      assertThat(target.isMissingNode()).as("patch %s has a target", patch).isFalse();
      assertThat(base).as("patch target %s exists in the base", target)
          .anyMatch(o -> o.getKind().equals(target.path("kind").asText())
              && o.getMetadata().getName().equals(target.path("name").asText()));
      if (patch.has("path")) {
        assertThat(overlay.resolve(patch.path("path").asText())).isRegularFile();
      }
    }
  }

  private static List<HasMetadata> baseObjects() throws IOException {
    Path base = Chart.projectRoot().resolve(ManifestsWriter.KUSTOMIZE_BASE_DIR);
    List<HasMetadata> objects = new ArrayList<>();
    for (String file : List.of(ManifestsWriter.NAMESPACE_FILE, ManifestsWriter.RBAC_FILE, ManifestsWriter.OPERATOR_FILE)) {
      objects.addAll(Chart.parse(Files.readString(base.resolve(file))));
    }
    return objects;
  }
}
