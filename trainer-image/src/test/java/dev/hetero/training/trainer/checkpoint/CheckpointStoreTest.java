package dev.hetero.training.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir
  Path dir;

  @Test
  void roundTripsKeepsTheLastTwoAndFallsBackFromACorruptOne() throws Exception {
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    CheckpointStore store = new CheckpointStore(dir, 2, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    store.save(state(10));
    store.save(state(20));
    Path newest = store.save(state(30));
    assertThat(store.list()).hasSize(2);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    Path interrupted = dir.resolve("checkpoint-000000000035.htjc.tmp");
    Files.write(interrupted, new byte[] {1, 2, 3});
    CoordinatorState back = store.loadLatest().orElseThrow();
    assertThat(interrupted).doesNotExist();
    assertThat(back.round()).isEqualTo(30);
    assertThat(back.model()).containsExactly(state(30).model());
    assertThat(back.shards()[1]).containsExactly(4, 5, 6);
    assertThat(back.scores()).containsExactly(0.5f, Float.POSITIVE_INFINITY);
    assertThat(back.pendingIndices().get(0)).containsExactly(1);
    assertThat(back.pendingLosses().get(0)).containsExactly(0.25f);
    assertThat(back.nextEval()).isEqualTo(123.5);

    // truncate the newest: refused by its checksum, the previous one is used
    byte[] bytes = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(bytes, bytes.length - 7));
    assertThatThrownBy(() -> CheckpointStore.read(newest)).isInstanceOf(CheckpointStore.CorruptCheckpointException.class)
        .hasMessageContaining("checksum");
    assertThat(store.loadLatest().orElseThrow().round()).isEqualTo(20);
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("refused").contains(newest.getFileName().toString())
        .contains("trying the previous one");

    // one flipped bit in the model is caught as well
    Path older = store.list().get(1);
    byte[] o = Files.readAllBytes(older);
    o[80] ^= 1;
    Files.write(older, o);
    assertThatThrownBy(() -> CheckpointStore.read(older)).hasMessageContaining("checksum mismatch");
    assertThat(store.loadLatest()).isEmpty();
  }

  private static CoordinatorState state(long round) {
    float[] model = new float[64];
    for (int i = 0; i < model.length; i++) {
      model[i] = round + i / 8f;
    }
    return new CoordinatorState(7, round, round * 100, 2, round - 3, new long[] {8, 8}, new int[][] {{1, 2, 3}, {4, 5, 6}},
        model, new float[] {0.5f, Float.POSITIVE_INFINITY}, List.of(new int[] {1}), List.of(new float[] {0.25f}), 1.5, 16,
        123.5, 9.0, 4.0, 0.8);
  }
}
