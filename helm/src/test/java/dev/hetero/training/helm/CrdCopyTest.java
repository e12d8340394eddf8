package dev.hetero.training.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart's crds/ and k8s/install/01-crd.yaml are byte-for-byte copies of crds/ at the root. */
class CrdCopyTest {
  static final String SYNC_COMMAND = "cp crds/*.yml helm/hetero-training-operator/crds/ && cp crds/*.yml k8s/install/01-crd.yaml"
      + " && cp crds/*.yml k8s/kustomize/base/01-crd.yaml   (or: " + ManifestsWriter.UPDATE_COMMAND + ")";

  @Test
  void chartCrdsAreIdenticalToTheGeneratedCrds() throws IOException {
    Path root = Chart.projectRoot();
    Map<String, byte[]> expected = ManifestsWriter.rootCrds(root);
    Path chartCrds = Chart.chartDir().resolve("crds");

    try (Stream<Path> files = Files.list(chartCrds)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("files in %s; sync with: %s", root.relativize(chartCrds), SYNC_COMMAND)
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
    for (Map.Entry<String, byte[]> crd : expected.entrySet()) {
      assertIdentical(chartCrds.resolve(crd.getKey()), crd.getValue());
    }
  }

  @Test
  void plainManifestCrdsAreIdenticalToTheGeneratedCrd() {
    Path root = Chart.projectRoot();
    byte[] expected = ManifestsWriter.rootCrds(root).values().iterator().next();

    assertIdentical(root.resolve(ManifestsWriter.INSTALL_DIR).resolve(ManifestsWriter.CRD_FILE), expected);
    assertIdentical(root.resolve(ManifestsWriter.KUSTOMIZE_BASE_DIR).resolve(ManifestsWriter.CRD_FILE), expected);
  }

  @Test
  void theCrdIsTheHeteroTrainingJob() {
    String crd = new String(ManifestsWriter.rootCrds(Chart.projectRoot()).values().iterator().next(), java.nio.charset.StandardCharsets.UTF_8);

    assertThat(crd).contains("name: \"heterotrainingjobs.training.hetero.dev\"", "kind: \"HeteroTrainingJob\"", "name: \"v1alpha1\"");
  }

  private static void assertIdentical(Path copy, byte[] expected) {
    assertThat(copy).as("%s exists; create it with: %s", copy, SYNC_COMMAND).isRegularFile();
    byte[] actual;
    try {
      actual = Files.readAllBytes(copy);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(Arrays.equals(actual, expected))
        .as("%s differs from crds/ at the root (the CRD generated from api/). Sync with:%n  %s", copy, SYNC_COMMAND)
        .isTrue();
  }
}
