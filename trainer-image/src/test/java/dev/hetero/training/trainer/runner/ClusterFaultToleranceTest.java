package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.config.TrainerEnv;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.observe.EventLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-cluster path on loopback: four worker processes (rank 0 coordinates and trains) over
 * the real gRPC data plane, started as pods would be ({@link WorkerPods}: environment, plan file,
 * a directory of their own, only the checkpoint directory shared), with the operator's reactions
 * played by the test: a worker is killed with SIGKILL mid-run and restarted (and is handed its
 * saved momentum), the coordinator is killed and restarted and resumes from its checkpoint, and
 * an intruder with a wrong token is refused. The job still completes with every worker ending on
 * the same model.
 */
class ClusterFaultToleranceTest {
  private static final java.util.regex.Pattern LEFT_OUT = java.util.regex.Pattern.compile(
      "worker rank 2 (disconnected during the round|did not pick up its command within \\d+ s); left out");

  static final String JOB = "it-faults";

  @TempDir
  Path tmp;

  @Test
  void survivesAKilledWorkerAndAKilledCoordinatorAndRefusesAWrongToken() throws Exception {
    TrainTestData data = WorkerPods.fashionHead(2048, 1000);
    PlanDocument plan = RunnerAccess.planDocument(JobYaml.named(JOB).model("mlp").algorithm("biasedLocalSGD").epochs(40)
        .perWorkerBatch(32).training("learningRate", "{initial: 0.05}").training("seed", "11")
        .spec("allocation", "{localSteps: {policy: fixed, base: 4}}").spec("checkpoint", "{everyRounds: 5}")
        .pool("{name: cpu, deviceClass: cpu, replicas: 4, simulatedSlowdown: 8}").dataPath("/each-pod-has-its-own-copy"));
    assertThat(plan.workers()).hasSize(4);
    Path checkpoints = tmp.resolve("checkpoints");
    Map<String, String> knobs = Map.of(TrainerEnv.ROUND_DEADLINE_SECONDS, "60", TrainerEnv.PICKUP_SECONDS, "5",
        TrainerEnv.POLL_SECONDS, "2", TrainerEnv.ROUND_EVENTS_EVERY_MS, "0");
    try (WorkerPods pods = new WorkerPods(tmp, plan, data, checkpoints)) {
      Path logs = pods.logs();
      WorkerPods.Pod coordinator = pods.start(0, knobs);
      WorkerPods.Pod rank1 = pods.start(1, knobs);
      WorkerPods.Pod rank2 = pods.start(2, knobs);
      WorkerPods.Pod rank3 = pods.start(3, knobs);
      Map<String, String> intruderEnv = new HashMap<>(knobs);
      intruderEnv.put(WorkerEnv.TOKEN, "not-the-job-token-0000");
      WorkerPods.Pod intruder = pods.start(1, intruderEnv);
      List<EventLine> firstEvents = coordinator.events();

      // 1. a worker is killed mid-run (SIGKILL) and restarted by "the operator" as a new pod
      pods.awaitOrShowLogs("round 10", Duration.ofSeconds(120), () -> WorkerPods.lastRound(firstEvents) >= 10);
      rank2.process().destroyForcibly().waitFor();
      long killedNanos = System.nanoTime();
      pods.awaitOrShowLogs("rank 2 left out", Duration.ofSeconds(60),
          () -> LEFT_OUT.matcher(WorkerPods.read(coordinator.log())).find());
      double noticedAfter = (System.nanoTime() - killedNanos) / 1e9;
      WorkerPods.Pod rank2b = pods.start(2, knobs);
      pods.awaitOrShowLogs("restarted rank 2 connected", Duration.ofSeconds(60),
          () -> WorkerPods.read(rank2b.log()).contains("connected"));
      long rejoinedAt = WorkerPods.lastRound(firstEvents);

      // 2. the coordinator is killed once a checkpoint after the rejoin exists, then restarted as a new pod
      pods.awaitOrShowLogs("a checkpoint after the rejoin", Duration.ofSeconds(120),
          () -> WorkerPods.lastCheckpoint(firstEvents) >= rejoinedAt + 10);
      double accuracyBefore = lastAccuracy(firstEvents);
      coordinator.process().destroyForcibly();
      assertThat(coordinator.exited(Duration.ofSeconds(30))).isTrue();
      long roundAtKill = WorkerPods.lastRound(firstEvents);
      long checkpointed = newestCheckpointRound(checkpoints);
      assertThat(roundAtKill).as("the job must still be running when the coordinator is killed").isLessThan(150);
      WorkerPods.Pod coordinator2 = pods.start(0, knobs);
      List<EventLine> secondEvents = coordinator2.events();

      assertThat(coordinator2.exited(Duration.ofSeconds(240))).as("restarted coordinator finishes").isTrue();
      String log0 = WorkerPods.read(coordinator2.log());
      assertThat(coordinator2.process().exitValue()).as(log0).isZero();
      for (WorkerPods.Pod p : List.of(rank1, rank2b, rank3)) {
        assertThat(p.exited(Duration.ofSeconds(60))).isTrue();
        assertThat(p.process().exitValue()).as(pods.tails(p.name())).isZero();
      }

      // the restarted coordinator resumed from the checkpoint: rounds continue, accuracy is not back at chance
      assertThat(log0).contains("resumed from the checkpoint of round " + checkpointed);
      EventLine firstRound = WorkerPods.first(secondEvents, "round");
      assertThat((long) firstRound.number("round")).isEqualTo(checkpointed + 1);
      EventLine firstEval = WorkerPods.first(secondEvents, "eval");
      assertThat(firstEval.number("accuracy")).as("first evaluation after the resume").isGreaterThan(0.6)
          .isGreaterThan(accuracyBefore - 0.1);
      assertThat(WorkerPods.first(secondEvents, "start").number("accuracy")).as("carried over the resume")
          .isGreaterThan(0.6);
      EventLine done = WorkerPods.first(secondEvents, "done");
      assertThat(done.number("accuracy")).isGreaterThan(0.7);
      assertThat(done.number("samples")).isGreaterThanOrEqualTo(40 * 2048);
      String digest = done.fields().get("digest");
      assertThat(done.fields().get("workerDigests").split(",")).as("every worker ends with the averaged model")
          .hasSize(4).containsOnly(digest);

      // the killed worker was left out, not waited for forever; its replacement rejoined with its saved momentum
      String log0first = WorkerPods.read(coordinator.log());
      // Killed mid-round it is noticed by its closed connection; between rounds, by its missed pickup.
      assertThat(log0first).containsPattern(LEFT_OUT);
      assertThat(noticedAfter).isLessThan(30);
      assertThat(log0first).contains("worker rank 2 is a new process; handing it its optimizer state of round");
      assertThat(WorkerPods.read(rank2b.log())).contains("connected").contains("worker rank 2: restored its optimizer state");

      // the intruder was refused, and no log shows either token
      assertThat(intruder.exited(Duration.ofSeconds(60))).isTrue();
      assertThat(intruder.process().exitValue()).isNotZero();
      assertThat(WorkerPods.read(intruder.log())).contains("UNAUTHENTICATED");
      assertThat(log0first + log0).contains("wrong job token");
      try (var files = Files.list(logs)) {
        for (Path p : files.toList()) {
          assertThat(WorkerPods.read(p)).as(p.toString()).doesNotContain(pods.token()).doesNotContain("not-the-job-token-0000");
        }
      }
      try (var files = Files.list(checkpoints)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
    }
  }

  private static double lastAccuracy(List<EventLine> events) {
    double acc = 0;
    for (EventLine e : events) {
      if (e.kind().equals("eval")) {
        acc = e.number("accuracy");
      }
    }
    return acc;
  }

  private static long newestCheckpointRound(Path dir) {
    try {
      List<Path> all = new CheckpointStore(dir, 2, System.err).list();
      return all.isEmpty() ? -1 : CheckpointStore.read(all.get(0)).round();
    } catch (Exception e) {
      return -1;
    }
  }
}
