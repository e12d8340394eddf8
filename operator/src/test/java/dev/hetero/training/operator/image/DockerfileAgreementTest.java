package dev.hetero.training.operator.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.ImageDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The operator image has two builds: src/main/docker/Dockerfile.jvm for users with Docker, and the
 * offline Quarkus Jib build (`-Pimages`) configured by the quarkus.jib.* lines of application.properties.
 * They must agree on user, entrypoint, environment, ports and paths.
 */
class DockerfileAgreementTest {
  static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Pattern ENV = Pattern.compile("quarkus\\.jib\\.environment-variables\\.\"([^\"]+)\"");

  static Properties properties() throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(MODULE.resolve("src/main/resources/application.properties"))) {
      p.load(in);
    }
    return p;
  }

  /** What the Jib build is told to make. */
  static ImageDefinition jibDefinition() throws IOException {
    Properties p = properties();
    Map<String, String> env = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      Matcher m = ENV.matcher(key);
      if (m.matches()) {
        env.put(m.group(1), p.getProperty(key));
      }
    }
    return new ImageDefinition(p.getProperty("quarkus.jib.user"), List.of(p.getProperty("quarkus.jib.jvm-entrypoint").split(",")),
        List.of(), env, List.of(p.getProperty("quarkus.jib.ports").split(",")), List.of(),
        p.getProperty("quarkus.jib.working-directory"));
  }

  @Test
  void theDockerfileDeclaresWhatTheJibBuildDoes() throws IOException {
    ImageDefinition docker = ImageDefinition.fromDockerfile(MODULE.resolve("src/main/docker/Dockerfile.jvm"), null);
    ImageDefinition jib = jibDefinition();
    assertThat(docker.user()).isEqualTo(jib.user());
    assertThat(docker.entrypoint()).isEqualTo(jib.entrypoint());
    assertThat(docker.env()).isEqualTo(jib.env());
    assertThat(docker.ports()).isEqualTo(jib.ports());
    assertThat(docker.workingDir()).isEqualTo(jib.workingDir());
    // Quarkus' fast-jar layout under the working directory, as the chart's command expects.
    assertThat(Files.readString(MODULE.resolve("src/main/docker/Dockerfile.jvm")))
        .contains("target/quarkus-app/lib/ " + jib.workingDir() + "/lib/")
        .contains("target/quarkus-app/*.jar " + jib.workingDir() + "/");
    assertThat(Files.readString(MODULE.getParent().resolve("helm/hetero-training-operator/templates/deployment.yaml")))
        .contains("\"" + jib.workingDir() + "/quarkus-run.jar\"");
  }

  @Test
  void theBuiltArchiveCarriesTheDefinition() throws IOException {
    Path archive = MODULE.resolve("target/images/operator.oci.tar");
    Assumptions.assumeTrue(Files.exists(archive), "no image built here (./mvnw -Pimages package builds it; .ci/run does)");
    ImageDefinition jib = jibDefinition();
    ImageDefinition built = ImageDefinition.fromOciArchive(archive);
    assertThat(built.user()).isEqualTo(jib.user());
    assertThat(built.entrypoint()).isEqualTo(jib.entrypoint());
    assertThat(built.withEnvOnly(jib.env().keySet()).env()).isEqualTo(jib.env());
    assertThat(built.ports()).isEqualTo(jib.ports());
    assertThat(built.workingDir()).isEqualTo(jib.workingDir());
    assertThat(ImageDefinition.ociReference(archive)).isEqualTo("docker.io/hetero-training/operator:0.1.0");
  }
}
