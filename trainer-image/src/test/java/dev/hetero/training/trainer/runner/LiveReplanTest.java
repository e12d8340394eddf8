package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.IdxFiles;
import dev.hetero.training.trainer.data.TrainTestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live re-plan: while two worker processes train, the mounted plan file is replaced by one with
 * a higher planVersion giving rank 1 a new batch and local steps; both sides pick it up at the
 * next round boundary, nobody restarts, and the run ends with identical models.
 */
class LiveReplanTest {
  @TempDir
  Path tmp;

  @Test
  void aNewPlanVersionReachesRunningWorkersAtARoundBoundary() throws Exception {
    TrainTestData full = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of("/usr/share/datasets/fashion-mnist"));
    Path data = tmp.resolve("data");
    IdxFiles.writeSubset(new TrainTestData(full.train().head(4096), full.test().head(500)), data);
    Path yaml = tmp.resolve("job.yaml");
    Files.writeString(yaml, """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata: {name: it-replan}
        spec:
          model: {name: mlp}
          dataset: {name: fashion-mnist, source: {path: %s}}
          training:
            algorithm: localSGD
            epochs: 8
            batch: {perWorker: 32}
            learningRate: {initial: 0.05}
          allocation: {localSteps: {policy: fixed, base: 4}}
          pools:
          - {name: cpu, deviceClass: cpu, replicas: 2, simulatedSlowdown: 4}
        """.formatted(data));
    Path out = tmp.resolve("out");
    Path events = out.resolve("logs").resolve("it-replan-cpu-0.log.events");
    CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(() -> {
      try {
        return new LocalRunner(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run(new RunOptions(yaml, null, null, out, null, false, 1, true, null));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    long end = System.nanoTime() + 120_000_000_000L;
    while (!(Files.exists(events) && Files.readString(events).contains("@htj round"))) {
      assertThat(System.nanoTime()).as("training started").isLessThan(end);
      assertThat(run).isNotDone();
      Thread.sleep(50);
    }
    Path planFile = out.resolve("plan.json");
    PlanDocument plan = PlanCodec.fromJson(Files.readString(planFile));
    List<PlannedWorker> workers = new ArrayList<>(plan.workers());
    PlannedWorker w1 = workers.get(1);
    workers.set(1, new PlannedWorker(w1.worker(), w1.rank(), w1.node(), w1.pool(), w1.deviceClass(), w1.capacity(), 64, 2,
        w1.weight(), w1.role()));
    Path tmpPlan = out.resolve("plan.json.new");
    Files.writeString(tmpPlan, PlanCodec.toJson(new PlanDocument(plan.jobName(), plan.namespace(), 2, plan.spec(), workers)));
    Files.move(tmpPlan, planFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    RunSummary summary = run.get(180, TimeUnit.SECONDS);
    String log0 = Files.readString(out.resolve("logs").resolve("it-replan-cpu-0.log"));
    String log1 = Files.readString(out.resolve("logs").resolve("it-replan-cpu-1.log"));
    assertThat(log0).contains("coordinator: plan version 2 found").contains("rank 1 64x2");
    assertThat(log1).contains("picked up plan version 2").contains("batch 32 -> 64");
    assertThat(log1).containsOnlyOnce("connected to");
    assertThat(summary.workerDigests()).hasSize(2).allMatch(d -> d.equals(summary.modelDigest()));
    assertThat(summary.finalAccuracy()).isGreaterThan(0.6);
  }
}
