package dev.hetero.training.trainer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.engine.Evaluation;
import dev.hetero.training.trainer.round.ModelDigest;
import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerHandle;
import dev.hetero.training.trainer.round.WorkerState;
import dev.hetero.training.trainer.runner.RunnerAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round loop's fault handling with deterministic fake workers (no DJL, no network) that keep
 * a momentum of their own, as SGD workers do: a missed round is left out with renormalised
 * weights; a coordinator that crashes and resumes from its checkpoint, with new worker processes,
 * ends with exactly the model of an uninterrupted run (model, shards, sampler scores, RNG state
 * and every worker's momentum are in the checkpoint), and does not without the momentum; a stop
 * request ends the run at a round boundary with a checkpoint of that round; a checkpoint of
 * another job or model is refused, naming what differs.
 */
class CoordinatorFaultsTest {
  static final int N = 600;
  static final int MODEL = 12;

  @TempDir
  Path tmp;

  /** Trains "deterministically": the result depends only on the command and the worker's momentum. */
  static class FakeWorker implements WorkerHandle {
    final int rank;
    final LongPredicate missRound;
    final long crashAtRound;
    final List<RoundCommand> received = new ArrayList<>();
    RoundCommand pending;
    float[] momentum = new float[MODEL];
    final List<float[]> momentumBefore = new ArrayList<>();

    FakeWorker(int rank, LongPredicate missRound, long crashAtRound) {
      this.rank = rank;
      this.missRound = missRound;
      this.crashAtRound = crashAtRound;
    }

    @Override
    public int rank() {
      return rank;
    }

    @Override
    public void start(RoundCommand command) {
      pending = command;
      received.add(command);
    }

    @Override
    public RoundResult await() throws IOException {
      RoundCommand c = pending;
      if (c.round() == crashAtRound) {
        throw new IOException("coordinator crash in round " + c.round());
      }
      if (!c.stop() && missRound.test(c.round())) {
        return null;
      }
      byte[] digest = ModelDigest.of(c.model(), null);
      if (c.stop()) {
        return RoundResult.stopped(rank, c.round(), digest, c.reportState() ? state(c.round()) : null);
      }
      if (c.restore() != null) {
        momentum = c.restore().optimizer().clone();
      }
      momentumBefore.add(momentum.clone());
      float[] model = c.model().clone();
      float[] losses = new float[c.indices().length];
      long sum = 0;
      for (int i = 0; i < losses.length; i++) {
        losses[i] = ((c.indices()[i] * 31L + c.round() * 7L + rank) % 97) / 97f;
        sum += c.indices()[i];
      }
      for (int j = 0; j < model.length; j++) {
        momentum[j] = 0.9f * momentum[j] + (((sum + j * 13L + rank) % 11) - 5) * 0.01f;
        model[j] += (float) (c.learningRate() * momentum[j]);
      }
      return new RoundResult(rank, c.round(), 0.01, digest, c.indices(), losses, model,
          c.reportState() ? state(c.round() + 1) : null);
    }

    WorkerState state(long round) {
      return new WorkerState(rank, round, momentum.clone(), new float[0]);
    }

    @Override
    public void close() {
    }
  }

  static CoordinatorConfig config(String aggregation) {
    return JobSetup.coordinatorConfig(plan("t", "mlp", aggregation), N, new boolean[MODEL], 0.001, null, 1);
  }

  static PlanDocument plan(String job, String model, String aggregation) {
    return RunnerAccess.planDocument(JobYaml.named(job).model(model).algorithm("biasedLocalSGD").epochs(6)
        .perWorkerBatch(10).training("seed", "5").spec("allocation", "{localSteps: {policy: fixed, base: 2}}")
        .spec("sampling", "{biased: true}").spec("aggregation", "{policy: " + aggregation + "}").dataPath("/data")
        .cpuPool("cpu", 3));
  }

  static List<WorkerHandle> workers(LongPredicate rank2Misses, long crashAt) {
    return List.of(new FakeWorker(0, r -> false, -1), new FakeWorker(1, r -> false, crashAt), new FakeWorker(2, rank2Misses, -1));
  }

  static final ModelEvaluator EVAL = model -> new Evaluation(model[0], 1.0, 100);

  @Test
  void aMissedRoundIsLeftOutWithRenormalisedWeightsAndUncountedSamples() throws Exception {
    List<WorkerHandle> handles = workers(r -> r == 3, -1);
    List<RoundReport> rounds = new ArrayList<>();
    List<AppliedRound> applied = new ArrayList<>();
    new Coordinator(config("uniform"), handles, EVAL, new TrainingListener() {
      @Override
      public void onRound(RoundReport report) {
        rounds.add(report);
      }

      @Override
      public void onApplied(AppliedRound work) {
        applied.add(work);
      }
    }).log(new PrintStream(new ByteArrayOutputStream())).run(new float[MODEL]);
    // the plan's uniform thirds, renormalised over ranks 0 and 1 in the round rank 2 missed
    assertThat(applied.get(2).weights()).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, offset(1e-6));
    assertThat(applied.get(3).weights()).containsExactly(new double[] {0.5, 0.5, 0}, offset(1e-6));
    assertThat(applied.get(3).steps()).containsExactly(2, 2, 0);
    // round 3 (the 4th) had 2 of 3 workers: 2 x 20 samples instead of 3 x 20
    assertThat(rounds.get(3).samples() - rounds.get(2).samples()).isEqualTo(40);
    assertThat(rounds.get(4).samples() - rounds.get(3).samples()).isEqualTo(60);
    // the average of round 3 is the uniform mean of ranks 0 and 1 only (weights 1/2, 1/2)
    FakeWorker w0 = (FakeWorker) handles.get(0);
    RoundCommand round4 = w0.received.get(4);
    float[][] results = new float[2][];
    for (int k = 0; k < 2; k++) {
      FakeWorker original = (FakeWorker) handles.get(k);
      FakeWorker replay = new FakeWorker(k, r -> false, -1);
      replay.momentum = original.momentumBefore.get(3).clone();
      replay.start(original.received.get(3));
      float[] m = replay.await().model();
      results[k] = m;
    }
    for (int j = 0; j < MODEL; j++) {
      assertThat(round4.model()[j]).isCloseTo((results[0][j] + results[1][j]) / 2f, org.assertj.core.data.Offset.offset(1e-6f));
    }
    // rank 2 gets the current average with the next round's command: it rejoins
    FakeWorker w2 = (FakeWorker) handles.get(2);
    assertThat(w2.received.get(4).model()).containsExactly(round4.model());
  }

  @Test
  void aCoordinatorResumedFromItsCheckpointEndsWithTheUninterruptedModel() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    RunOutcome straight = new Coordinator(config("workProportional"), workers(r -> false, -1), EVAL, TrainingListener.NONE)
        .log(quiet).checkpoints(new CheckpointStore(tmp.resolve("a"), 2, quiet), 4).run(new float[MODEL]);

    CheckpointStore store = new CheckpointStore(tmp.resolve("b"), 2, quiet);
    assertThatThrownBy(() -> new Coordinator(config("workProportional"), workers(r -> false, 22), EVAL, TrainingListener.NONE)
        .log(quiet).checkpoints(store, 4).run(new float[MODEL])).hasMessageContaining("crash in round 22");
    assertThat(CheckpointStore.read(store.list().get(0)).round()).isEqualTo(20);
    Path copy = java.nio.file.Files.createDirectories(tmp.resolve("c"));
    for (Path p : store.list()) {
      java.nio.file.Files.copy(p, copy.resolve(p.getFileName()));
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<RoundReport> resumedRounds = new ArrayList<>();
    RunOutcome resumed = new Coordinator(config("workProportional"), workers(r -> false, -1), EVAL, new TrainingListener() {
      @Override
      public void onRound(RoundReport report) {
        resumedRounds.add(report);
      }
    }).log(new PrintStream(log, true)).checkpoints(store, 4).run(new float[MODEL]);

    assertThat(log.toString()).contains("resumed from the checkpoint of round 20")
        .contains("optimizer state of 3 of 3 workers");
    assertThat(resumedRounds.get(0).round()).isEqualTo(21);
    assertThat(resumed.rounds()).isEqualTo(straight.rounds());
    assertThat(resumed.samples()).isEqualTo(straight.samples());
    assertThat(resumed.finalModel()).containsExactly(straight.finalModel());
    assertThat(resumed.expectedDigest()).isEqualTo(straight.expectedDigest());

    // the control: the same resume with new workers but without their saved momentum ends elsewhere
    RunOutcome forgetful = new Coordinator(config("workProportional"), workers(r -> false, -1), EVAL, TrainingListener.NONE)
        .log(quiet).checkpoints(withoutWorkerStates(new CheckpointStore(copy, 2, quiet)), 4).run(new float[MODEL]);
    assertThat(forgetful.rounds()).isEqualTo(straight.rounds());
    assertThat(forgetful.finalModel()).isNotEqualTo(straight.finalModel());
  }

  @Test
  void aStopRequestEndsTheRunAtTheRoundBoundaryWithACheckpointOfThatRoundAndEveryWorkersState() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    RunOutcome straight = new Coordinator(config("uniform"), workers(r -> false, -1), EVAL, TrainingListener.NONE)
        .log(quiet).run(new float[MODEL]);

    StopRequest stop = StopRequest.within(Duration.ofSeconds(60));
    CheckpointStore store = new CheckpointStore(tmp.resolve("stop"), 2, quiet);
    List<WorkerHandle> handles = workers(r -> false, -1);
    List<CheckpointReport> written = new ArrayList<>();
    RunOutcome stopped = new Coordinator(config("uniform"), handles, EVAL, new TrainingListener() {
      @Override
      public void onRound(RoundReport report) {
        if (report.round() == 13) {
          stop.request(); // as the SIGTERM handler does, from another thread
        }
      }

      @Override
      public void onCheckpoint(CheckpointReport report) {
        written.add(report);
      }
    }).log(quiet).checkpoints(store, 4).stopRequest(stop).run(new float[MODEL]);

    assertThat(stopped.ending()).isEqualTo(RunOutcome.Ending.STOPPED_ON_REQUEST);
    assertThat(stopped.rounds()).isEqualTo(13);
    assertThat(stopped.lastCheckpointRound()).isEqualTo(13);
    assertThat(written).extracting(CheckpointReport::round).containsExactly(4L, 8L, 12L, 13L);
    assertThat(written.get(3).why()).isEqualTo("stop");
    RunState saved = CheckpointStore.read(store.list().get(0));
    assertThat(saved.round()).isEqualTo(13);
    assertThat(saved.workerStates()).allSatisfy(w -> assertThat(w.round()).isEqualTo(13));
    for (WorkerHandle h : handles) {
      RoundCommand last = ((FakeWorker) h).received.get(((FakeWorker) h).received.size() - 1);
      assertThat(last.kind()).isEqualTo(RoundCommand.Kind.STOP_ON_REQUEST);
      assertThat(last.round()).isEqualTo(13);
    }
    // a new coordinator with new workers goes on from round 13 to exactly the uninterrupted model
    RunOutcome resumed = new Coordinator(config("uniform"), workers(r -> false, -1), EVAL, TrainingListener.NONE)
        .log(quiet).checkpoints(store, 4).run(new float[MODEL]);
    assertThat(resumed.finalModel()).containsExactly(straight.finalModel());
    // and a coordinator started after the end finds the final checkpoint and trains nothing: the terminal state sticks
    List<WorkerHandle> late = workers(r -> false, -1);
    RunOutcome again = new Coordinator(config("uniform"), late, EVAL, TrainingListener.NONE).log(quiet).checkpoints(store, 4)
        .run(new float[MODEL]);
    assertThat(again.ending()).isEqualTo(RunOutcome.Ending.ALREADY_COMPLETE);
    assertThat(again.rounds()).isEqualTo(straight.rounds());
    assertThat(again.finalModel()).containsExactly(straight.finalModel());
    assertThat(late).allSatisfy(h -> assertThat(((FakeWorker) h).received).isEmpty());
  }

  @Test
  void aRemoteWorkerStillTrainingAtTheStopDeadlineIsLeftOutOfTheLastRound() throws Exception {
    StopRequest stop = StopRequest.within(Duration.ofSeconds(1));
    FakeWorker rank0 = new FakeWorker(0, r -> false, -1) {
      @Override
      public RoundResult await() throws IOException {
        if (pending.round() == 5) {
          stop.request(); // SIGTERM while the round is in flight
        }
        return super.await();
      }
    };
    FakeWorker slow = new FakeWorker(2, r -> false, -1) {
      @Override
      public RoundResult await(LongSupplier cutoff) throws IOException {
        if (pending.stop() || pending.round() != 5) {
          return super.await();
        }
        while (System.nanoTime() - cutoff.getAsLong() < 0) {
          Thread.onSpinWait(); // "still training" until the coordinator's stop deadline
        }
        return null;
      }
    };
    List<AppliedRound> applied = new ArrayList<>();
    long t0 = System.nanoTime();
    RunOutcome stopped = new Coordinator(config("uniform"), List.of(rank0, new FakeWorker(1, r -> false, -1), slow), EVAL,
        new TrainingListener() {
          @Override
          public void onApplied(AppliedRound round) {
            applied.add(round);
          }
        }).log(new PrintStream(new ByteArrayOutputStream())).checkpoints(new CheckpointStore(tmp.resolve("late"), 2,
        new PrintStream(new ByteArrayOutputStream())), 50).stopRequest(stop).run(new float[MODEL]);
    double seconds = (System.nanoTime() - t0) / 1e9;

    assertThat(stopped.rounds()).as("the round in flight completes without the late worker").isEqualTo(6);
    assertThat(applied.get(5).weights()).containsExactly(new double[] {0.5, 0.5, 0}, offset(1e-9));
    assertThat(seconds).as("cut at 70 % of the 1 s grace period").isBetween(0.6, 5.0);
    assertThat(stopped.lastCheckpointRound()).isEqualTo(6);
  }

  @Test
  void aCheckpointOfAnotherJobOrModelIsRefusedNamingWhatDiffers() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    CheckpointStore store = new CheckpointStore(tmp.resolve("shared"), 2, quiet);
    assertThatThrownBy(() -> new Coordinator(config("uniform"), workers(r -> false, 6), EVAL, TrainingListener.NONE)
        .log(quiet).checkpoints(store, 4).run(new float[MODEL])).hasMessageContaining("crash in round 6");

    CoordinatorConfig otherJob = JobSetup.coordinatorConfig(plan("u", "mlp", "uniform"), N, new boolean[MODEL], 0.001, null, 1);
    assertThatThrownBy(() -> new Coordinator(otherJob, workers(r -> false, -1), EVAL, TrainingListener.NONE).log(quiet)
        .checkpoints(store, 4).start(new float[MODEL]))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessageContaining("checkpoint checkpoint-000000000004.htjc (round 4) in " + tmp.resolve("shared"))
        .hasMessageContaining("belongs to another job or model")
        .hasMessageContaining("job local/t (this job: local/u)")
        .hasMessageNotContaining("model mlp");
    CoordinatorConfig otherModel = JobSetup.coordinatorConfig(plan("t", "lenet", "uniform"), N, new boolean[MODEL], 0.001, null,
        1);
    assertThatThrownBy(() -> new Coordinator(otherModel, workers(r -> false, -1), EVAL, TrainingListener.NONE).log(quiet)
        .checkpoints(store, 4).start(new float[MODEL]))
        .hasMessageContaining("model mlp (this job: lenet)")
        .hasMessageNotContaining("job local");
  }

  /** The store, but every state it loads has lost its workers' momentum. */
  private static Checkpoints withoutWorkerStates(CheckpointStore store) {
    return new Checkpoints() {
      @Override
      public Saved save(RunState state) throws IOException {
        return store.save(state);
      }

      @Override
      public java.util.Optional<Loaded> loadLatest() throws IOException {
        return store.loadLatest().map(l -> {
          RunState s = l.state();
          return new Loaded(l.name(), l.formatVersion(), new RunState(s.identity(), s.planVersion(), s.round(), s.samples(),
              s.period(), s.model(), s.scores(), s.evaluations(), s.elapsedSeconds(), s.virtualSeconds(), new WorkerState[3]));
        });
      }

      @Override
      public String location() {
        return store.location();
      }
    };
  }
}
