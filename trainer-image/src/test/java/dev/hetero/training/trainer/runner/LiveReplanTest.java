package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live re-plan: while two worker processes train, the mounted plan file is replaced by one with
 * a higher planVersion giving rank 1 a new batch and local steps; the coordinator picks it up at
 * the next round boundary and the next round's command brings rank 1 its new batch, nobody
 * restarts, and the run ends with identical models.
 */
class LiveReplanTest {
  @TempDir
  Path tmp;

  @Test
  void aNewPlanVersionReachesRunningWorkersAtARoundBoundary() throws Exception {
    Path data = LiveRun.fashionSubset(tmp.resolve("data"));
    Path yaml = JobYaml.named("it-replan").model("mlp").algorithm("localSGD").epochs(8).perWorkerBatch(32)
        .training("learningRate", "{initial: 0.05}").spec("allocation", "{localSteps: {policy: fixed, base: 4}}")
        .pool("{name: cpu, deviceClass: cpu, replicas: 2, simulatedSlowdown: 4}").dataPath(data.toString()).writeTo(tmp);
    LiveRun run = LiveRun.start(yaml, tmp.resolve("out"));
    run.awaitFirstRound("it-replan-cpu-0");
    PlanDocument plan = run.plan();
    List<PlannedWorker> workers = new ArrayList<>(plan.workers());
    workers.set(1, workers.get(1).withWork(64, 2, workers.get(1).weight()));
    run.publish(new PlanDocument(plan.jobName(), plan.namespace(), 2, plan.spec(), workers));

    RunSummary summary = run.summary.get(180, TimeUnit.SECONDS);
    String log0 = Files.readString(run.log("it-replan-cpu-0"));
    String log1 = Files.readString(run.log("it-replan-cpu-1"));
    assertThat(log0).contains("coordinator: plan version 2 found").contains("rank 1 64x2");
    assertThat(log1).contains("batch 32 -> 64").contains("(plan version 1 -> 2)");
    assertThat(log1).containsOnlyOnce("connected to");
    assertThat(summary.workerDigests()).hasSize(2).allMatch(d -> d.equals(summary.modelDigest()));
    assertThat(summary.finalAccuracy()).isGreaterThan(0.6);
  }
}
