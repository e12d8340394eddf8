package dev.hetero.training.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.trainer.algo.ScoreTable;
import dev.hetero.training.trainer.coordinator.Checkpoints;
import dev.hetero.training.trainer.coordinator.RunIdentity;
import dev.hetero.training.trainer.coordinator.RunState;
import dev.hetero.training.trainer.round.WorkerState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  static final RunIdentity ID = new RunIdentity("team", "job-a", "lenet", 64, "fashion-mnist", 2, 7L);

  @TempDir
  Path dir;

  @Test
  void roundTripsKeepsTheLastTwoAndFallsBackFromACorruptOne() throws Exception {
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    CheckpointStore store = new CheckpointStore(dir, 2, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    store.save(state(10));
    store.save(state(20));
    Checkpoints.Saved saved = store.save(state(30));
    Path newest = dir.resolve(saved.name());
    assertThat(saved.bytes()).isEqualTo(Files.size(newest));
    assertThat(store.list()).hasSize(2);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    Path interrupted = dir.resolve("checkpoint-000000000035.htjc.tmp");
    Files.write(interrupted, new byte[] {1, 2, 3});
    Checkpoints.Loaded loaded = store.loadLatest().orElseThrow();
    assertThat(interrupted).doesNotExist();
    assertThat(loaded.formatVersion()).isEqualTo(2);
    assertThat(loaded.name()).isEqualTo("checkpoint-000000000030.htjc");
    RunState back = loaded.state();
    assertThat(back.round()).isEqualTo(30);
    assertThat(back.identity()).isEqualTo(ID);
    assertThat(back.planVersion()).isEqualTo(3);
    assertThat(back.model()).containsExactly(state(30).model());
    assertThat(back.period().shards()[1]).containsExactly(4, 5, 6);
    assertThat(back.period().samplesPerRound()).containsExactly(8, 8);
    assertThat(back.scores().scores()).containsExactly(0.5f, Float.POSITIVE_INFINITY);
    assertThat(back.scores().pendingIndices().get(0)).containsExactly(1);
    assertThat(back.scores().pendingLosses().get(0)).containsExactly(0.25f);
    assertThat(back.evaluations()).isEqualTo(new RunState.Evaluations(1.5, 16, 123.5, 0.8));
    assertThat(back.virtualSeconds()).isEqualTo(4.0);
    // every worker's own state, by rank; a rank without one stays empty
    assertThat(back.workerStates()).hasSize(3);
    assertThat(back.workerStates()[0].optimizer()).containsExactly(0.1f, 0.2f, 30f);
    assertThat(back.workerStates()[0].localBuffers()).isEmpty();
    assertThat(back.workerStates()[1]).isNull();
    assertThat(back.workerStates()[2].round()).isEqualTo(20);
    assertThat(back.workerStates()[2].localBuffers()).containsExactly(9f);

    // truncate the newest: refused by its checksum, the previous one is used
    byte[] bytes = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(bytes, bytes.length - 7));
    assertThatThrownBy(() -> CheckpointStore.read(newest)).isInstanceOf(CheckpointStore.CorruptCheckpointException.class)
        .hasMessageContaining("checksum");
    assertThat(store.loadLatest().orElseThrow().state().round()).isEqualTo(20);
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("refused").contains(newest.getFileName().toString())
        .contains("trying the previous one");

    // one flipped bit in the model is caught as well
    Path older = store.list().get(1);
    byte[] o = Files.readAllBytes(older);
    o[200] ^= 1;
    Files.write(older, o);
    assertThatThrownBy(() -> CheckpointStore.read(older)).hasMessageContaining("checksum mismatch");
    assertThat(store.loadLatest()).isEmpty();
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("no valid checkpoint among the 2 in " + dir
        + "; starting from round 0");
  }

  @Test
  void aVersionOneFileIsReadWithWhatItKnowsAndANewerVersionIsRefusedNamingBoth() throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2, new PrintStream(new ByteArrayOutputStream()));
    Files.write(dir.resolve("checkpoint-000000000040.htjc"), withChecksum(versionOneBody(40)));
    Checkpoints.Loaded loaded = store.loadLatest().orElseThrow();
    assertThat(loaded.formatVersion()).isEqualTo(1);
    RunState v1 = loaded.state();
    assertThat(v1.round()).isEqualTo(40);
    assertThat(v1.model()).containsExactly(state(40).model());
    assertThat(v1.evaluations().lastAccuracy()).isEqualTo(0.8);
    // a version-1 file knew only the seed, the model size and (through its score table) the data-set size
    assertThat(v1.identity()).isEqualTo(new RunIdentity(null, null, null, 64, null, 2, 7L));
    assertThat(v1.identity().differences(ID)).isEmpty();
    assertThat(v1.identity().differences(new RunIdentity("team", "job-a", "lenet", 64, "fashion-mnist", 2, 8L)))
        .containsExactly("seed 7 (this job: 8)");
    assertThat(v1.planVersion()).as("unknown").isEqualTo(-1);
    assertThat(v1.workerStates()).isEmpty();

    byte[] future = versionOneBody(50);
    ByteBuffer.wrap(future).putInt(4, 3);
    Files.write(dir.resolve("checkpoint-000000000050.htjc"), withChecksum(future));
    assertThatThrownBy(store::loadLatest).hasMessageContaining("checkpoint-000000000050.htjc")
        .hasMessageContaining("checkpoint format version 3; this trainer reads versions 1 to 2 (written by a newer trainer)");
  }

  @Test
  void identityDifferencesNameEveryFieldThatDiffersWithBothValues() {
    RunIdentity other = new RunIdentity("team", "job-b", "mlp", 101_770, "mnist", 60_000, 7L);
    assertThat(other.differences(ID)).containsExactly(
        "job team/job-b (this job: team/job-a)",
        "model mlp (this job: lenet)",
        "model size 101770 values (this job: 64 values)",
        "dataset mnist (this job: fashion-mnist)",
        "dataset size 60000 training samples (this job: 2 training samples)");
    assertThat(ID.differences(ID)).isEmpty();
  }

  static RunState state(long round) {
    float[] model = new float[64];
    for (int i = 0; i < model.length; i++) {
      model[i] = round + i / 8f;
    }
    WorkerState[] workers = {new WorkerState(0, round, new float[] {0.1f, 0.2f, round}, new float[0]), null,
        new WorkerState(2, round - 10, new float[] {1f, 2f, 3f}, new float[] {9f})};
    return new RunState(ID, 3, round, round * 100, new RunState.Period(2, round - 3, new long[] {8, 8},
        new int[][] {{1, 2, 3}, {4, 5, 6}}), model, ScoreTable.restored(new float[] {0.5f, Float.POSITIVE_INFINITY},
        List.of(new int[] {1}), List.of(new float[] {0.25f})), new RunState.Evaluations(1.5, 16, 123.5, 0.8), 9.0, 4.0, workers);
  }

  /** A body as the trainer before format version 2 wrote it (CoordinatorState's field order). */
  private static byte[] versionOneBody(long round) throws Exception {
    RunState s = state(round);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(CheckpointCodec.MAGIC);
    out.writeInt(1);
    out.writeLong(s.seed());
    out.writeLong(s.round());
    out.writeLong(s.samples());
    out.writeLong(s.period().index());
    out.writeLong(s.period().startRound());
    out.writeInt(2);
    out.writeLong(8);
    out.writeLong(8);
    out.writeInt(2);
    for (int[] shard : s.period().shards()) {
      out.writeInt(shard.length);
      for (int v : shard) {
        out.writeInt(v);
      }
    }
    out.writeInt(s.model().length);
    for (float v : s.model()) {
      out.writeFloat(v);
    }
    out.writeBoolean(true);
    out.writeInt(2);
    out.writeFloat(0.5f);
    out.writeFloat(Float.POSITIVE_INFINITY);
    out.writeInt(0);
    out.writeDouble(1.5);
    out.writeLong(16);
    out.writeDouble(123.5);
    out.writeDouble(9.0);
    out.writeDouble(4.0);
    out.writeDouble(0.8);
    return bytes.toByteArray();
  }

  private static byte[] withChecksum(byte[] body) throws Exception {
    byte[] sum = MessageDigest.getInstance("SHA-256").digest(body);
    byte[] all = Arrays.copyOf(body, body.length + sum.length);
    System.arraycopy(sum, 0, all, body.length, sum.length);
    return all;
  }
}
