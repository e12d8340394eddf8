package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.coordinator.AppliedRound;
import dev.hetero.training.trainer.observe.EventLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live rebalancing with real processes: two workers train with rebalancing on; mid-run a re-plan
 * makes rank 1 four times slower (its simulated slowdown, slept out for real). The coordinator
 * measures it and moves local steps to rank 0 at round boundaries: at the end rank 0 runs at
 * least twice rank 1's steps, nobody restarted, and the models agree.
 */
class LiveRebalanceTest {
  @TempDir
  Path tmp;

  @Test
  void aWorkerThatTurnsSlowMidRunGetsFewerLocalStepsWithoutARestart() throws Exception {
    Path data = LiveRun.fashionSubset(tmp.resolve("data"));
    Path yaml = JobYaml.named("it-rebalance").model("mlp").algorithm("biasedLocalSGD").epochs(8).perWorkerBatch(32)
        .training("learningRate", "{initial: 0.05}")
        .spec("allocation", "{localSteps: {policy: equalTime, base: 2}, rebalance: {enabled: true}}")
        .spec("aggregation", "{policy: workProportional}")
        .pool("{name: cpu, deviceClass: cpu, replicas: 2}").dataPath(data.toString()).writeTo(tmp);
    LiveRun run = LiveRun.start(yaml, tmp.resolve("out"));
    run.awaitFirstRound("it-rebalance-cpu-0");
    PlanDocument plan = run.plan();
    List<PlannedWorker> workers = new ArrayList<>(plan.workers());
    PlannedWorker w = workers.get(1);
    workers.set(1, new PlannedWorker(w.worker(), w.rank(), w.node(), w.pool(), w.deviceClass(), w.capacity(), w.batchSize(),
        w.localSteps(), w.weight(), w.role(), w.sampling(), 4.0, w.optimizer(), w.ascentHelper(), w.ascentFor(),
        w.perturbationBatchAuto(), w.deviceFallback()));
    run.publish(new PlanDocument(plan.jobName(), plan.namespace(), 2, plan.spec(), workers));

    RunSummary summary = run.summary.get(300, TimeUnit.SECONDS);
    String log0 = Files.readString(run.log("it-rebalance-cpu-0"));
    String log1 = Files.readString(run.log("it-rebalance-cpu-1"));
    assertThat(log0).contains("coordinator: plan version 2 found").contains("rebalanced plan version 2 to revision");
    List<AppliedRound> applied = LiveRun.read(run.events("it-rebalance-cpu-0")).lines().filter(l -> l.startsWith(EventLine.PREFIX + "applied"))
        .map(l -> EventLine.toApplied(EventLine.parse(l))).filter(a -> a.steps()[0] > 0 && a.steps()[1] > 0).toList();
    AppliedRound last = applied.get(applied.size() - 1);
    assertThat(last.planVersion()).isEqualTo(2);
    assertThat(last.steps()[0]).as("rank 0's steps against rank 1's, 4x slower").isGreaterThanOrEqualTo(2 * last.steps()[1]);
    assertThat(log1).containsOnlyOnce("connected to");
    assertThat(summary.workerDigests()).hasSize(2).allMatch(d -> d.equals(summary.modelDigest()));
    assertThat(summary.finalAccuracy()).isGreaterThan(0.6);
  }
}
