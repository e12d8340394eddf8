package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.trainer.cli.TrainerMainAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerFailureTest {
  @TempDir
  Path tmp;

  static final String JOB = """
      apiVersion: training.hetero.dev/v1alpha1
      kind: HeteroTrainingJob
      metadata: {name: failing}
      spec:
        model: {name: mlp}
        dataset: {name: fashion-mnist, source: {path: /usr/share/datasets/fashion-mnist}}
        training: {algorithm: localSGD, epochs: 1, batch: {perWorker: 32}}
        pools:
        - {name: cpu, deviceClass: cpu, replicas: 2}
      """;

  @Test
  void missingDataStopsEveryWorkerExitsNonZeroAndWritesNoCurve() throws Exception {
    Path yaml = tmp.resolve("job.yaml");
    Files.writeString(yaml, JOB);
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
    Path yaml = tmp.resolve("bad.yaml");
    Files.writeString(yaml, JOB.replace("algorithm: localSGD", "algorithm: fastSGD"));
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
