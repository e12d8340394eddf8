package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.config.TrainerEnv;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.observe.EventLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elastic membership over the real data plane, with the operator's part played by the test (as
 * in {@link ClusterFaultToleranceTest}): two worker processes train; plan version 2 adds a third
 * worker, whose new process joins at a round boundary and contributes; plan version 3 removes the
 * second one and moves the third to its rank. Nobody restarts: each staying process connects once,
 * the leaving one is told to finish and exits 0, and the run ends with the two workers of the last
 * plan on the same model.
 */
class ElasticMembershipTest {
  static final String JOB = "it-elastic";

  @TempDir
  Path tmp;

  @Test
  void aWorkerJoinsAndAnotherLeavesWhileTheOthersKeepTraining() throws Exception {
    TrainTestData data = WorkerPods.fashionHead(2048, 1000);
    JobYaml two = job(2);
    PlanDocument v1 = RunnerAccess.planDocument(two);
    List<PlannedWorker> three = RunnerAccess.planDocument(job(3)).workers();
    PlanDocument v2 = new PlanDocument(JOB, v1.namespace(), 2, v1.spec(), three);
    // version 3: worker 1 gone, worker 2 at its rank with its work (the sizing of a two-worker plan)
    PlannedWorker w1 = v1.workers().get(1);
    PlannedWorker moved = new PlannedWorker(JOB + "-cpu-2", 1, w1.node(), w1.pool(), w1.deviceClass(), w1.capacity(),
        w1.batchSize(), w1.localSteps(), w1.weight(), w1.role(), w1.sampling(), w1.simulatedSlowdown());
    PlanDocument v3 = new PlanDocument(JOB, v1.namespace(), 3, v1.spec(), List.of(v1.workers().get(0), moved));
    Map<String, String> knobs = Map.of(TrainerEnv.ROUND_DEADLINE_SECONDS, "60", TrainerEnv.PICKUP_SECONDS, "5",
        TrainerEnv.POLL_SECONDS, "2", TrainerEnv.ROUND_EVENTS_EVERY_MS, "0", TrainerEnv.PLAN_POLL_MS, "200");

    try (WorkerPods pods = new WorkerPods(tmp, v1, data, tmp.resolve("checkpoints"))) {
      WorkerPods.Pod coordinator = pods.start(0, knobs);
      WorkerPods.Pod second = pods.start(1, knobs);
      List<EventLine> events = coordinator.events();
      pods.awaitOrShowLogs("round 5", Duration.ofSeconds(120), () -> WorkerPods.lastRound(events) >= 5);

      pods.publish(v2);
      WorkerPods.Pod third = pods.start(JOB + "-cpu-2", knobs);
      pods.awaitOrShowLogs("the third worker's first contribution", Duration.ofSeconds(120),
          () -> WorkerPods.first(events, "contributed") != null);
      long joinedAt = WorkerPods.lastRound(events);
      pods.awaitOrShowLogs("ten rounds with three workers", Duration.ofSeconds(120),
          () -> WorkerPods.lastRound(events) >= joinedAt + 10);

      pods.publish(v3);
      assertThat(second.exited(Duration.ofSeconds(60))).as("the leaving worker ends").isTrue();
      assertThat(second.process().exitValue()).as("told to finish, not killed").isZero();
      assertThat(coordinator.exited(Duration.ofSeconds(240))).as("the run completes").isTrue();
      assertThat(third.exited(Duration.ofSeconds(30))).isTrue();
      assertThat(coordinator.process().exitValue()).isZero();
      assertThat(third.process().exitValue()).isZero();

      List<EventLine> members = events.stream().filter(e -> e.kind().equals("members")).toList();
      assertThat(members).hasSize(2);
      assertThat(members.get(0).fields()).containsEntry("joined", JOB + "-cpu-2").containsEntry("workers", "3");
      assertThat(members.get(1).fields()).containsEntry("left", JOB + "-cpu-1").containsEntry("workers", "2");
      EventLine contributed = WorkerPods.first(events, "contributed");
      assertThat(contributed.fields()).containsEntry("worker", JOB + "-cpu-2");
      System.out.println("elastic: " + JOB + "-cpu-2 joined the plan at round " + contributed.fields().get("joinedRound")
          + ", contributed from round " + contributed.fields().get("round"));
      EventLine done = WorkerPods.first(events, "done");
      assertThat(done).isNotNull();
      List<String> digests = List.of(done.fields().get("workerDigests").split(","));
      assertThat(digests).hasSize(2).allMatch(d -> d.equals(done.fields().get("digest")));
      assertThat(done.number("accuracy")).isGreaterThan(0.6);

      String log0 = WorkerPods.read(coordinator.log());
      assertThat(log0).contains("changes the workers from round").contains("joined [" + JOB + "-cpu-2]")
          .contains("left [" + JOB + "-cpu-1]");
      assertThat(WorkerPods.read(third.log())).containsOnlyOnce("connected to");
      assertThat(WorkerPods.read(second.log())).containsOnlyOnce("connected to").contains("stopped after round");
      assertThat(log0).doesNotContain("ignored re-plan");
    }
  }

  private static JobYaml job(int replicas) {
    return JobYaml.named(JOB).model("mlp").algorithm("biasedLocalSGD").epochs(25).perWorkerBatch(32)
        .training("learningRate", "{initial: 0.05}").training("seed", "11")
        .spec("allocation", "{localSteps: {policy: fixed, base: 4}}")
        .pool("{name: cpu, deviceClass: cpu, replicas: " + replicas + ", simulatedSlowdown: 8}").dataPath("/each-pod-has-its-own-copy");
  }
}
