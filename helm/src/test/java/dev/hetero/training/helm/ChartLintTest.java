package dev.hetero.training.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartLintTest {

  @Test
  void strictLintPasses() {
    LintResult result = new Helm(Chart.chartDir()).lint().strict().call();

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .as("helm lint --strict reports no warnings or errors")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  /** Guards the test above: strict lint of a copy of the chart with a template using an undefined value fails. */
  @Test
  void strictLintFailsOnABrokenCopyOfTheChart(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("hetero-training-operator");
    try (Stream<Path> files = Files.walk(Chart.chartDir())) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(Chart.chartDir().relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Files.writeString(copy.resolve("templates/broken.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: broken
        data:
          value: {{ .Values.notAValue.field | quote }}
        """);

    LintResult result = new Helm(copy).lint().strict().call();

    assertThat(result.isFailed()).as("lint of a chart using an undefined value: %s", result.getMessages()).isTrue();
  }
}
