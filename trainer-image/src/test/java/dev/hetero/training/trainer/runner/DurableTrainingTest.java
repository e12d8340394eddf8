package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.ExitCodes;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.config.TrainerEnv;
import dev.hetero.training.trainer.coordinator.RunState;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.observe.EventLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.assertj.core.data.Offset;

/**
 * Durable training state with real worker processes over the gRPC data plane, each process in a
 * directory of its own and nothing shared but the checkpoint directory (see {@link WorkerPods}):
 * a coordinator killed with SIGKILL and replaced resumes at its checkpoint with every worker's
 * momentum and goes on exactly as an uninterrupted run; a coordinator sent SIGTERM checkpoints
 * the round it stopped at, stops its workers and exits 75, while a worker sent SIGTERM exits at
 * once.
 */
class DurableTrainingTest {
  static TrainTestData data;

  @TempDir
  Path tmp;

  @BeforeAll
  static void loadData() {
    TrainTestData full = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of(JobYaml.FASHION_MNIST));
    data = new TrainTestData(full.train().head(2048), full.test().head(500));
  }

  /** LeNet with momentum 0.9, 2048 samples, 32 x 4 per worker and round: 8 rounds per epoch per 2 workers. */
  static PlanDocument plan(String name, int workers, int epochs) {
    return RunnerAccess.planDocument(JobYaml.named(name).model("lenet").algorithm("localSGD").epochs(epochs).perWorkerBatch(32)
        .training("learningRate", "{initial: 0.05}").training("seed", "3")
        .spec("allocation", "{localSteps: {policy: fixed, base: 4}}").spec("checkpoint", "{everyRounds: 5}")
        .dataPath("/nonexistent-the-pods-have-their-own-copy").cpuPool("cpu", workers));
  }

  static final Map<String, String> KNOBS = Map.of(TrainerEnv.ROUND_EVENTS_EVERY_MS, "0", TrainerEnv.PICKUP_SECONDS, "10",
      TrainerEnv.POLL_SECONDS, "2", TrainerEnv.ROUND_DEADLINE_SECONDS, "60");

  /**
   * The tolerance on the round losses: 1e-5 relative, the precision of the event lines (6
   * significant digits). The computation itself is expected to be bit-identical (same float32
   * operations on the same inputs, one intra-op thread, model and momentum restored exactly),
   * which the equal final-model digests check; without the restored momentum the first resumed
   * round's loss differs in the third or fourth digit (the worker unit test shows the same for one
   * step, and CoordinatorFaultsTest for a whole run).
   */
  static final double LOSS_TOLERANCE = 1e-5;

  @Test
  void aCoordinatorKilledWithSigkillResumesAtItsCheckpointWithEveryWorkersMomentumAsIfUninterrupted() throws Exception {
    PlanDocument plan = plan("it-durable", 2, 12);
    List<EventLine> straight;
    try (WorkerPods pods = new WorkerPods(tmp.resolve("straight"), plan, data, tmp.resolve("straight-checkpoints"))) {
      WorkerPods.Pod rank0 = pods.start(0, KNOBS);
      WorkerPods.Pod rank1 = pods.start(1, KNOBS);
      assertThat(rank0.exited(Duration.ofSeconds(240))).as("the uninterrupted run ends").isTrue();
      assertThat(rank0.process().exitValue()).as(pods.tails("uninterrupted run")).isZero();
      assertThat(rank1.exited(Duration.ofSeconds(60))).isTrue();
      straight = rank0.events();
    }
    EventLine straightDone = WorkerPods.first(straight, "done");

    Path checkpoints = tmp.resolve("checkpoints");
    try (WorkerPods pods = new WorkerPods(tmp.resolve("killed"), plan, data, checkpoints)) {
      WorkerPods.Pod coordinator = pods.start(0, KNOBS);
      WorkerPods.Pod rank1 = pods.start(1, KNOBS);
      // kill -9 between two checkpoints, a few rounds after the second one
      pods.awaitOrShowLogs("two checkpoints and 3 rounds more", Duration.ofSeconds(180),
          () -> WorkerPods.lastCheckpoint(coordinator.events()) >= 10
              && WorkerPods.lastRound(coordinator.events()) >= WorkerPods.lastCheckpoint(coordinator.events()) + 3);
      coordinator.process().destroyForcibly();
      assertThat(coordinator.exited(Duration.ofSeconds(30))).isTrue();
      long killedAt = WorkerPods.lastRound(coordinator.events());
      assertThat(killedAt).as("still running when killed").isLessThan((long) straightDone.number("rounds"));
      // the newest file is the truth (a checkpoint may be written in the instant before the kill)
      RunState saved = CheckpointStore.read(new CheckpointStore(checkpoints, 2, System.err).list().get(0));
      long checkpointed = saved.round();
      assertThat(checkpointed).isGreaterThanOrEqualTo(WorkerPods.lastCheckpoint(coordinator.events())).isLessThanOrEqualTo(killedAt);
      assertThat(saved.workerStates()).as("both workers' momentum is in the checkpoint")
          .allSatisfy(w -> assertThat(w.round()).isEqualTo(checkpointed))
          .allSatisfy(w -> assertThat(w.optimizer()).hasSize(20_538));

      System.out.printf("kill -9: killed after round %d, newest checkpoint round %d: %d rounds to train again%n", killedAt,
          checkpointed, killedAt - checkpointed);
      WorkerPods.Pod replacement = pods.start(0, KNOBS);
      assertThat(replacement.exited(Duration.ofSeconds(240))).as("the replacement ends").isTrue();
      assertThat(replacement.process().exitValue()).as(pods.tails("replacement coordinator")).isZero();
      assertThat(rank1.exited(Duration.ofSeconds(60))).isTrue();
      assertThat(rank1.process().exitValue()).as(pods.tails("rank 1")).isZero();

      List<EventLine> resumed = replacement.events();
      assertThat(WorkerPods.first(resumed, "start").fields()).containsEntry("resumedFrom", String.valueOf(checkpointed));
      EventLine firstRound = WorkerPods.first(resumed, "round");
      assertThat((long) firstRound.number("round")).isEqualTo(checkpointed + 1);
      EventLine sameRound = straight.stream().filter(e -> e.kind().equals("round") && e.number("round") == checkpointed + 1)
          .findFirst().orElseThrow();
      assertThat(firstRound.number("loss")).as("the first round after the resume, against the uninterrupted run's")
          .isCloseTo(sameRound.number("loss"), Offset.offset(LOSS_TOLERANCE * sameRound.number("loss")));
      // every later round too, and the final model to the bit
      for (EventLine r : resumed.stream().filter(e -> e.kind().equals("round")).toList()) {
        EventLine twin = straight.stream().filter(e -> e.kind().equals("round") && e.number("round") == r.number("round"))
            .findFirst().orElseThrow();
        assertThat(r.number("loss")).as("round " + r.fields().get("round"))
            .isCloseTo(twin.number("loss"), Offset.offset(LOSS_TOLERANCE * twin.number("loss")));
      }
      EventLine done = WorkerPods.first(resumed, "done");
      assertThat(done.fields().get("digest")).isEqualTo(straightDone.fields().get("digest"));
      assertThat(done.fields().get("workerDigests").split(",")).containsOnly(straightDone.fields().get("digest"));
      assertThat(done.number("accuracy")).isEqualTo(straightDone.number("accuracy"));

      String log0 = WorkerPods.read(replacement.log());
      assertThat(log0).contains("resumed from the checkpoint of round " + checkpointed)
          .contains("optimizer state of 2 of 2 workers")
          .contains("worker rank 0: restored its optimizer state of round " + checkpointed + " before round " + checkpointed);
      assertThat(WorkerPods.read(rank1.log()))
          .contains("worker rank 1: restored its optimizer state of round " + checkpointed + " before round " + checkpointed);
    }
  }

  @Test
  void aSigtermedCoordinatorCheckpointsTheRoundItStoppedAtStopsItsWorkersAndExits75() throws Exception {
    PlanDocument plan = plan("it-sigterm", 3, 12);
    Path checkpoints = tmp.resolve("checkpoints");
    Map<String, String> knobs = new HashMap<>(KNOBS);
    knobs.put(WorkerEnv.TERMINATION_GRACE_SECONDS, "30");
    knobs.put(TrainerEnv.PICKUP_SECONDS, "5");
    try (WorkerPods pods = new WorkerPods(tmp.resolve("term"), plan, data, checkpoints)) {
      WorkerPods.Pod coordinator = pods.start(0, knobs);
      WorkerPods.Pod rank1 = pods.start(1, knobs);
      WorkerPods.Pod rank2 = pods.start(2, knobs);
      // between two checkpoints: a SIGTERM to the coordinator and, as when all pods are deleted, to rank 2
      pods.awaitOrShowLogs("a checkpoint and 2 rounds more", Duration.ofSeconds(180),
          () -> WorkerPods.lastCheckpoint(coordinator.events()) >= 5
              && WorkerPods.lastRound(coordinator.events()) >= WorkerPods.lastCheckpoint(coordinator.events()) + 2);
      long roundAtSignal = WorkerPods.lastRound(coordinator.events());
      // SIGTERM as the kubelet sends it (Process.destroy would also close our end of its stdout)
      coordinator.process().toHandle().destroy();
      rank2.process().toHandle().destroy();

      assertThat(rank2.exited(Duration.ofSeconds(15))).as("a worker sent SIGTERM exits at once").isTrue();
      assertThat(rank2.process().exitValue()).isEqualTo(ExitCodes.TERMINATED);
      assertThat(coordinator.exited(Duration.ofSeconds(30))).as("within the grace period").isTrue();
      assertThat(coordinator.process().exitValue()).as(pods.tails("coordinator")).isEqualTo(ExitCodes.STOPPED_AFTER_CHECKPOINT);
      assertThat(rank1.exited(Duration.ofSeconds(30))).as("the coordinator stopped rank 1").isTrue();
      assertThat(rank1.process().exitValue()).isEqualTo(ExitCodes.STOPPED_AFTER_CHECKPOINT);

      long roundAtTermination = WorkerPods.lastRound(coordinator.events());
      EventLine stopped = WorkerPods.first(coordinator.events(), "stopped");
      assertThat(stopped).as(pods.tails("the coordinator's last event line says it stopped")).isNotNull();
      assertThat((long) stopped.number("round")).isEqualTo(roundAtTermination);
      assertThat(stopped.fields()).containsEntry("checkpoint", String.valueOf(roundAtTermination)).containsEntry("exitCode", "75");
      assertThat(roundAtTermination).as("the round in flight at the signal completes, nothing more")
          .isBetween(roundAtSignal, roundAtSignal + 1);
      System.out.printf("SIGTERM: sent after round %d, stopped after round %d, checkpoint of round %s%n", roundAtSignal,
          roundAtTermination, stopped.fields().get("checkpoint"));
      CheckpointStore store = new CheckpointStore(checkpoints, 2, System.err);
      RunState saved = CheckpointStore.read(store.list().get(0));
      assertThat(saved.round()).isEqualTo(roundAtTermination);
      assertThat(saved.workerStates()[0].round()).isEqualTo(roundAtTermination);
      assertThat(saved.workerStates()[1].round()).as("rank 1 handed in its state with its stop answer")
          .isEqualTo(roundAtTermination);
      // rank 2 went away first: it keeps its state of the last checkpoint round it made
      assertThat(saved.workerStates()[2].round()).isLessThanOrEqualTo(roundAtTermination);
      for (Path p : store.list()) {
        assertThat(CheckpointStore.read(p)).as("every checkpoint file reads back: " + p).isNotNull();
      }
      try (var files = Files.list(checkpoints)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
      String log0 = WorkerPods.read(coordinator.log());
      assertThat(log0).contains("SIGTERM received; stopping at the next round boundary")
          .contains("coordinator: checkpoint of round " + roundAtTermination + " written (stop")
          .contains("stopped on request after checkpointing round " + roundAtTermination + "; exit code 75");
      assertThat(WorkerPods.read(rank1.log())).contains("the coordinator stopped on request after round " + roundAtTermination);

      // new pods go on from that round to the end
      WorkerPods.Pod next = pods.start(0, knobs);
      List<WorkerPods.Pod> workers = List.of(pods.start(1, knobs), pods.start(2, knobs));
      assertThat(next.exited(Duration.ofSeconds(240))).isTrue();
      assertThat(next.process().exitValue()).as(pods.tails("resumed coordinator")).isZero();
      assertThat(WorkerPods.read(next.log())).contains("resumed from the checkpoint of round " + roundAtTermination);
      assertThat((long) WorkerPods.first(next.events(), "round").number("round")).isEqualTo(roundAtTermination + 1);
      EventLine done = WorkerPods.first(next.events(), "done");
      assertThat(done.fields().get("workerDigests").split(",")).containsOnly(done.fields().get("digest"));
      for (WorkerPods.Pod w : workers) {
        assertThat(w.exited(Duration.ofSeconds(60))).isTrue();
        assertThat(w.process().exitValue()).isZero();
      }
      assertThat(WorkerPods.read(workers.get(1).log()))
          .as("rank 2, back as a new process, was handed its saved state").contains("worker rank 2: restored its optimizer state");
    }
  }
}
