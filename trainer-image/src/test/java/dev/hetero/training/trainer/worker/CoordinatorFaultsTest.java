package dev.hetero.training.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.engine.Evaluation;
import dev.hetero.training.trainer.runner.RunnerAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round loop's fault handling with deterministic fake workers (no DJL, no network): a
 * missed round is left out with renormalised weights, and a coordinator that crashes and
 * resumes from its checkpoint ends with exactly the model of an uninterrupted run (model,
 * shards, sampler scores and RNG state are all in the checkpoint).
 */
class CoordinatorFaultsTest {
  static final int N = 600;
  static final int MODEL = 12;

  @TempDir
  Path tmp;

  /** Trains "deterministically": the result depends only on the command. */
  static final class FakeWorker implements WorkerHandle {
    final int rank;
    final LongPredicate missRound;
    final long crashAtRound;
    final List<RoundCommand> received = new ArrayList<>();
    RoundCommand pending;

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
        return new RoundResult(rank, c.round(), 0, digest, new int[0], new float[0], null);
      }
      float[] model = c.model().clone();
      float[] losses = new float[c.indices().length];
      long sum = 0;
      for (int i = 0; i < losses.length; i++) {
        losses[i] = ((c.indices()[i] * 31L + c.round() * 7L + rank) % 97) / 97f;
        sum += c.indices()[i];
      }
      for (int j = 0; j < model.length; j++) {
        model[j] += (float) (c.learningRate() * (((sum + j * 13L + rank) % 11) - 5) * 0.01);
      }
      return new RoundResult(rank, c.round(), 0.01, digest, c.indices(), losses, model);
    }

    @Override
    public void close() {
    }
  }

  static CoordinatorConfig config(String aggregation) {
    HeteroTrainingJobSpec spec = SpecDefaults.apply(JobManifests.parse("""
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata: {name: t}
        spec:
          model: {name: mlp}
          dataset: {name: fashion-mnist, source: {path: /data}}
          training: {algorithm: biasedLocalSGD, epochs: 6, batch: {perWorker: 10}, seed: 5}
          allocation: {localSteps: {policy: fixed, base: 2}}
          sampling: {biased: true}
          aggregation: {policy: %s}
          pools:
          - {name: cpu, deviceClass: cpu, replicas: 3}
        """.formatted(aggregation), "test").getSpec());
    PlanDocument plan = new PlanDocument("t", "ns", 1, spec, RunnerAccess.plan("t", spec));
    return JobSetup.coordinatorConfig(plan, N, new boolean[MODEL], 0.001, null, 1);
  }

  static List<WorkerHandle> workers(LongPredicate rank2Misses, long crashAt) {
    return List.of(new FakeWorker(0, r -> false, -1), new FakeWorker(1, r -> false, crashAt), new FakeWorker(2, rank2Misses, -1));
  }

  static final ModelEvaluator EVAL = model -> new Evaluation(model[0], 1.0, 100);

  @Test
  void aMissedRoundIsLeftOutWithRenormalisedWeightsAndUncountedSamples() throws Exception {
    List<WorkerHandle> handles = workers(r -> r == 3, -1);
    List<RoundReport> rounds = new ArrayList<>();
    new Coordinator(config("uniform"), handles, EVAL, new TrainingListener() {
      @Override
      public void onRound(RoundReport report) {
        rounds.add(report);
      }
    }).log(new PrintStream(new ByteArrayOutputStream())).run(new float[MODEL]);
    // round 3 (the 4th) had 2 of 3 workers: 2 x 20 samples instead of 3 x 20
    assertThat(rounds.get(3).samples() - rounds.get(2).samples()).isEqualTo(40);
    assertThat(rounds.get(4).samples() - rounds.get(3).samples()).isEqualTo(60);
    // the average of round 3 is the uniform mean of ranks 0 and 1 only (weights 1/2, 1/2)
    FakeWorker w0 = (FakeWorker) handles.get(0);
    RoundCommand round4 = w0.received.get(4);
    float[][] results = new float[2][];
    for (int k = 0; k < 2; k++) {
      FakeWorker replay = new FakeWorker(k, r -> false, -1);
      replay.start(((FakeWorker) handles.get(k)).received.get(3));
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
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<RoundReport> resumedRounds = new ArrayList<>();
    RunOutcome resumed = new Coordinator(config("workProportional"), workers(r -> false, -1), EVAL, new TrainingListener() {
      @Override
      public void onRound(RoundReport report) {
        resumedRounds.add(report);
      }
    }).log(new PrintStream(log, true)).checkpoints(store, 4).run(new float[MODEL]);

    assertThat(log.toString()).contains("resumed from the checkpoint of round 20");
    assertThat(resumedRounds.get(0).round()).isEqualTo(21);
    assertThat(resumed.rounds()).isEqualTo(straight.rounds());
    assertThat(resumed.samples()).isEqualTo(straight.samples());
    assertThat(resumed.finalModel()).containsExactly(straight.finalModel());
    assertThat(resumed.expectedDigest()).isEqualTo(straight.expectedDigest());
  }
}
