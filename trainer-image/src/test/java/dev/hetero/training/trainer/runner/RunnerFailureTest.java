package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.trainer.cli.TrainerMainAccess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerFailureTest {
  @TempDir
  Path tmp;

  static JobYaml job(String algorithm) {
    return JobYaml.named("failing").model("mlp").algorithm(algorithm).perWorkerBatch(32).cpuPool("cpu", 2);
  }

  @Test
  void missingDataStopsEveryWorkerExitsNonZeroAndWritesNoCurve() throws Exception {
    Path yaml = job("localSGD").writeTo(tmp);
    Path out = tmp.resolve("out");
    Path missing = tmp.resolve("no-data-here");
    TrainerMainAccess.Result r = TrainerMainAccess.execute("run", yaml.toString(), "--out", out.toString(), "--data-dir",
        missing.toString(), "--quiet");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("exited with code").contains(missing + ": no such directory");
    assertThat(out.resolve("curve.csv")).doesNotExist();
  }

  @Test
  void invalidManifestIsRefusedNamingTheFileAndTheField() throws Exception {
    Path yaml = job("fastSGD").writeTo(tmp);
    TrainerMainAccess.Result r = TrainerMainAccess.execute("run", yaml.toString(), "--out", tmp.resolve("o").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(yaml.toString()).contains("algorithm").contains("fastSGD");
    assertThat(tmp.resolve("o")).doesNotExist();
  }

  @Test
  void unknownFlagIsAUsageError() {
    TrainerMainAccess.Result r = TrainerMainAccess.execute("run", "x.yaml", "--fast");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unexpected argument '--fast'");
  }
}
