package dev.hetero.training.trainer.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.ImageDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The trainer image has two builds: trainer-image/Dockerfile for users with Docker, and the offline
 * build (hack/images/trainer-image.sh, `-Pimages`) from src/image/image.properties. They must agree on
 * user, entrypoint, command, environment, ports, volumes and the application directory.
 */
class DockerfileAgreementTest {
  static final Path MODULE = Path.of("").toAbsolutePath();

  static Properties definitionProperties() throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(MODULE.resolve("src/image/image.properties"))) {
      p.load(in);
    }
    return p;
  }

  /** The offline build's definition, as image.properties states it. */
  static ImageDefinition offlineDefinition() throws IOException {
    Properties p = definitionProperties();
    Map<String, String> env = new TreeMap<>();
    p.stringPropertyNames().stream().filter(k -> k.startsWith("env.")).forEach(k -> env.put(k.substring(4), p.getProperty(k)));
    return new ImageDefinition(p.getProperty("user"), json(p.getProperty("entrypoint")), json(p.getProperty("cmd")), env,
        List.of(p.getProperty("ports").split(",")), List.of(p.getProperty("volumes").split(",")), null);
  }

  @ParameterizedTest(name = "Dockerfile stage {0}")
  @ValueSource(strings = {"runtime-cpu", "runtime-gpu"})
  void theDockerfileStageDeclaresWhatTheOfflineBuildDoes(String stage) throws IOException {
    ImageDefinition docker = ImageDefinition.fromDockerfile(MODULE.resolve("Dockerfile"), stage);
    ImageDefinition offline = offlineDefinition();
    assertThat(docker.user()).isEqualTo(offline.user());
    assertThat(docker.entrypoint()).isEqualTo(offline.entrypoint());
    assertThat(docker.cmd()).isEqualTo(offline.cmd());
    assertThat(docker.env()).isEqualTo(offline.env());
    assertThat(docker.ports()).containsExactlyInAnyOrderElementsOf(offline.ports());
    assertThat(docker.volumes()).containsExactlyInAnyOrderElementsOf(offline.volumes());
    String app = definitionProperties().getProperty("app");
    assertThat(Files.readString(MODULE.resolve("Dockerfile")))
        .contains("COPY --from=build /out " + app)
        .contains("docker/entrypoint.sh " + app + "/entrypoint.sh")
        .contains("DJL_CACHE_DIR=" + app + "/djl-cache");
  }

  @Test
  void theBuiltArchiveCarriesTheDefinition() throws IOException {
    Path archive = MODULE.resolve("target/images/trainer.oci.tar");
    Assumptions.assumeTrue(Files.exists(archive), "no image built here (./mvnw -Pimages package builds it; .ci/run does)");
    ImageDefinition offline = offlineDefinition();
    ImageDefinition built = ImageDefinition.fromOciArchive(archive);
    assertThat(built.user()).isEqualTo(offline.user());
    assertThat(built.entrypoint()).isEqualTo(offline.entrypoint());
    assertThat(built.cmd()).isEqualTo(offline.cmd());
    assertThat(built.withEnvOnly(offline.env().keySet()).env()).isEqualTo(offline.env());
    assertThat(built.ports()).containsExactlyInAnyOrderElementsOf(offline.ports());
    assertThat(built.volumes()).containsExactlyInAnyOrderElementsOf(offline.volumes());
    assertThat(ImageDefinition.ociReference(archive)).isEqualTo("docker.io/hetero-training/trainer:0.1.0");
  }

  private static List<String> json(String array) {
    List<String> out = new ArrayList<>();
    for (String part : array.replaceAll("^\\[|\\]$", "").split(",")) {
      out.add(part.strip().replaceAll("^\"|\"$", ""));
    }
    return out;
  }
}
