package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.IdxFiles;
import dev.hetero.training.trainer.data.TrainTestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing at small scale: the local runner starts two worker processes (rank 0 coordinates
 * and trains), they train LeNet on a Fashion-MNIST subset over loopback TCP, and every worker
 * ends with the same model, BatchNorm statistics included.
 */
class TwoProcessTrainingTest {
  @TempDir
  Path tmp;

  @Test
  void twoWorkerProcessesLearnAboveChanceAndEndWithIdenticalModels() throws Exception {
    TrainTestData full = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of("/usr/share/datasets/fashion-mnist"));
    Path data = tmp.resolve("data");
    IdxFiles.writeSubset(new TrainTestData(full.train().head(4096), full.test().head(1000)), data);
    Path yaml = tmp.resolve("job.yaml");
    Files.writeString(yaml, """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata: {name: it-two-workers}
        spec:
          model: {name: lenet}
          dataset: {name: fashion-mnist, source: {path: %s}}
          training:
            algorithm: biasedLocalSGD
            epochs: 2
            batch: {perWorker: 32}
            learningRate: {initial: 0.05}
            seed: 7
          allocation: {localSteps: {policy: fixed, base: 4}}
          pools:
          - {name: cpu, deviceClass: cpu, replicas: 2}
        """.formatted(data));
    Path out = tmp.resolve("out");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    RunSummary summary = new LocalRunner(new PrintStream(console, true, StandardCharsets.UTF_8))
        .run(new RunOptions(yaml, null, null, out, null, false, 1, false, null));

    assertThat(summary.plan()).hasSize(2);
    assertThat(summary.finalAccuracy()).as("accuracy after 2 epochs of 4096 samples").isGreaterThan(0.6);
    assertThat(summary.curve()).hasSize(2);
    assertThat(summary.samples()).isGreaterThanOrEqualTo(2 * 4096);
    assertThat(summary.workerDigests()).hasSize(2).allMatch(d -> d.equals(summary.modelDigest()));
    assertThat(Files.readAllLines(out.resolve("curve.csv")).get(0)).isEqualTo(CurveCsv.HEADER);
    assertThat(Files.readAllLines(out.resolve("curve.csv"))).hasSize(3);
    assertThat(out.resolve("plan.json")).exists();
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    String text = console.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("Phase:      Succeeded").contains("it-two-workers-cpu-0").contains("Accuracy:");
    String token = Files.readString(out.resolve("logs").resolve("it-two-workers-cpu-0.log"))
        + Files.readString(out.resolve("logs").resolve("it-two-workers-cpu-1.log"));
    assertThat(token).contains("connected");
  }
}
