package dev.hetero.training.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.v1alpha1.DatasetName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
  @TempDir
  Path dir;

  static byte[] batch(int records, int seed) {
    byte[] data = new byte[records * CifarReader.RECORD_BYTES];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < records; i++) {
      int o = i * CifarReader.RECORD_BYTES;
      data[o] = (byte) (i % 10);
      for (int p = 1; p < CifarReader.RECORD_BYTES; p++) {
        data[o + p] = (byte) r.nextInt(256);
      }
    }
    return data;
  }

  private Path writeAll(Path base) throws IOException {
    Path d = base.resolve("cifar-10-batches-bin");
    Files.createDirectories(d);
    for (int b = 1; b <= 5; b++) {
      Files.write(d.resolve("data_batch_" + b + ".bin"), batch(4, b));
    }
    Files.write(d.resolve("test_batch.bin"), batch(3, 9));
    return d;
  }

  @Test
  void readsBinaryBatchesInTheirSubdirectory() throws IOException {
    Path d = writeAll(dir);
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.CIFAR10, dir);
    assertThat(data.train().size()).isEqualTo(20);
    assertThat(data.test().size()).isEqualTo(3);
    assertThat(data.train().channels()).isEqualTo(3);
    // record 1 of the fourth batch (4 records per batch, label = record % 10)
    assertThat(data.train().label(13)).isEqualTo(1);
    assertThat(data.train().label(2)).isEqualTo(2);
    byte[] first = Files.readAllBytes(d.resolve("data_batch_1.bin"));
    assertThat(Arrays.copyOfRange(data.train().pixels(), 0, 3072)).containsExactly(Arrays.copyOfRange(first, 1, 3073));
  }

  @Test
  void truncatedBatchAndBadLabelAreRefusedNamingTheFile() throws IOException {
    Path d = writeAll(dir);
    Path broken = d.resolve("data_batch_3.bin");
    Files.write(broken, Arrays.copyOf(batch(4, 3), 4 * CifarReader.RECORD_BYTES - 10));
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.CIFAR10, dir))
        .hasMessageContaining(broken.toString()).hasMessageContaining("truncated");
    byte[] bad = batch(4, 3);
    bad[CifarReader.RECORD_BYTES] = 42;
    Files.write(broken, bad);
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.CIFAR10, dir))
        .hasMessageContaining(broken.toString()).hasMessageContaining("label 42 of record 1 is out of range 0..9");
  }

  @Test
  void augmentationCropsAndFlipsWithinTheImageAndNormalises() {
    byte[] px = new byte[3 * 32 * 32];
    Arrays.fill(px, (byte) 255);
    ImageDataset one = new ImageDataset("x", 3, 32, 32, 10, px, new byte[] {1});
    Normalization norm = Normalization.of(DatasetName.CIFAR10);
    float[] out = new float[3072];
    int[] labels = new int[1];
    new BatchAssembler(one, norm, false).fill(new int[] {0}, 0, 1, out, labels, null);
    float white = (1f - norm.mean(0)) / norm.std(0);
    assertThat(out[0]).isCloseTo(white, org.assertj.core.data.Offset.offset(1e-5f));
    // With augmentation, some draws shift the image so padding (black) shows at a border.
    boolean sawPadding = false;
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 20 && !sawPadding; i++) {
      new BatchAssembler(one, norm, true).fill(new int[] {0}, 0, 1, out, labels, r);
      float black = (0f - norm.mean(0)) / norm.std(0);
      for (int p = 0; p < 1024; p++) {
        sawPadding |= Math.abs(out[p] - black) < 1e-5f;
      }
    }
    assertThat(sawPadding).isTrue();
    assertThat(labels[0]).isEqualTo(1);
  }
}
