package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.trainer.data.IdxFiles;
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
    Path data = tmp.resolve("data");
    IdxFiles.writeFashionMnistHead(data, 4096, 1000);
    Path yaml = JobYaml.named("it-two-workers").algorithm("biasedLocalSGD").epochs(2).perWorkerBatch(32)
        .training("learningRate", "{initial: 0.05}").training("seed", "7")
        .spec("allocation", "{localSteps: {policy: fixed, base: 4}}").cpuPool("cpu", 2).dataPath(data.toString()).writeTo(tmp);
    Path out = tmp.resolve("out");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    RunSummary summary = RunnerAccess.runner(new PrintStream(console, true, StandardCharsets.UTF_8))
        .run(new RunOptions(yaml, null, null, out, null, false, 1, false));

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
