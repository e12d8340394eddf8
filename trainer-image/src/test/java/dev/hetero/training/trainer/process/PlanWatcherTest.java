package dev.hetero.training.trainer.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.trainer.runner.RunnerAccess;
import dev.hetero.training.api.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanWatcherTest {
  @TempDir
  Path tmp;

  @Test
  void picksUpAHigherVersionAtMostOncePerIntervalAndIgnoresAHalfWrittenFile() throws Exception {
    PlanDocument v1 = RunnerAccess.planDocument(JobYaml.named("w").model("mlp").cpuPool("cpu", 2));
    Path file = tmp.resolve("plan.json");
    Files.writeString(file, PlanCodec.toJson(v1));
    ManualClock clock = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PlanWatcher watcher = new PlanWatcher(file, 1, Duration.ofSeconds(1), clock, new PrintStream(log, true, StandardCharsets.UTF_8));

    PlanDocument v2 = new PlanDocument(v1.jobName(), v1.namespace(), 2, v1.spec(), v1.workers());
    Files.writeString(file, PlanCodec.toJson(v2));
    assertThat(watcher.poll()).as("within the interval the file is not read").isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(watcher.poll()).hasValueSatisfying(p -> assertThat(p.planVersion()).isEqualTo(2));
    clock.advance(Duration.ofSeconds(1));
    assertThat(watcher.poll()).as("the same version again is not new").isEmpty();

    Files.writeString(file, PlanCodec.toJson(v2).substring(0, 40));
    clock.advance(Duration.ofSeconds(1));
    assertThat(watcher.poll()).isEmpty();
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("cannot read").contains("keeping plan version 2");
  }
}
