package dev.hetero.training.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed CRD must be exactly what the Java model generates. */
class CrdDriftTest {

  @Test
  void committedCrdEqualsTheGeneratedOne() throws Exception {
    Path committed = Fixtures.repoRoot().resolve("crds").resolve(CrdWriter.FILE_NAME);
    String generated = CrdWriter.generate();
    assertThat(committed).as("committed CRD %s", committed).exists();
    assertThat(Files.readString(committed))
        .as("crds/%s is out of date with the Java model in api/. Regenerate it with:%n"
            + "  ./mvnw -B -ntp -pl api -Pupdate-crds process-test-classes%nand commit the result.", CrdWriter.FILE_NAME)
        .isEqualTo(generated);
  }

  @Test
  void buildWroteTheSameCrdIntoTarget() throws Exception {
    // exec-maven-plugin runs CrdWriter in process-test-classes; make sure that step really ran.
    Path built = Path.of("target", "crds", CrdWriter.FILE_NAME);
    assertThat(built).exists();
    assertThat(Files.readString(built)).isEqualTo(CrdWriter.generate());
  }
}
