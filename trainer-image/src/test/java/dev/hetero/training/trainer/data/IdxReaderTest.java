package dev.hetero.training.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.v1alpha1.DatasetName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir
  Path dir;

  private void writeValid(boolean gz) throws IOException {
    byte[] labels = {0, 1, 2, 9, 4};
    for (String prefix : new String[] {"train", "t10k"}) {
      byte[] img = IdxFiles.images(5, 28, 28, IdxReader.IMAGE_MAGIC);
      byte[] lab = IdxFiles.labels(labels, IdxReader.LABEL_MAGIC);
      Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? IdxFiles.gzip(img) : img);
      Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? IdxFiles.gzip(lab) : lab);
    }
  }

  @Test
  void readsRawAndGzipFilesAlike() throws IOException {
    writeValid(false);
    TrainTestData raw = DatasetLoader.fromDirectory(DatasetName.MNIST, dir);
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    writeValid(true);
    TrainTestData gz = DatasetLoader.fromDirectory(DatasetName.MNIST, dir);
    assertThat(raw.train().size()).isEqualTo(5);
    assertThat(raw.train().label(3)).isEqualTo(9);
    assertThat(Arrays.equals(raw.train().pixels(), gz.train().pixels())).isTrue();
    assertThat(gz.test().imageBytes()).isEqualTo(784);
  }

  @Test
  void readsTheInstalledFashionMnist() {
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of("/usr/share/datasets/fashion-mnist"));
    assertThat(data.train().size()).isEqualTo(60_000);
    assertThat(data.test().size()).isEqualTo(10_000);
  }

  @Test
  void truncatedGzipIsRefusedNamingTheFile() throws IOException {
    writeValid(true);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    byte[] full = Files.readAllBytes(images);
    Files.write(images, Arrays.copyOf(full, full.length / 2));
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, dir))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(images.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void corruptGzipIsRefusedNamingTheFile() throws IOException {
    writeValid(true);
    Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
    byte[] bytes = Files.readAllBytes(images);
    for (int i = 20; i < bytes.length - 20; i += 3) {
      bytes[i] ^= 0x5a;
    }
    Files.write(images, bytes);
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, dir))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(images.toString())
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("corrupt gzip", "truncated", "wrong magic", "implausible"));
  }

  @Test
  void truncatedRawFileIsRefusedWithTheByteCount() throws IOException {
    byte[] img = IdxFiles.images(5, 28, 28, IdxReader.IMAGE_MAGIC);
    Path file = dir.resolve("x");
    Files.write(file, Arrays.copyOf(img, img.length - 100));
    assertThatThrownBy(() -> IdxReader.readImages(file))
        .hasMessageContaining(file.toString()).hasMessageContaining("truncated").hasMessageContaining("ends after");
  }

  @Test
  void wrongMagicNumberIsRefusedNamingTheFile() throws IOException {
    writeValid(true);
    Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
    Files.write(labels, IdxFiles.gzip(IdxFiles.labels(new byte[] {1, 2, 3, 4, 5}, 0x00000803)));
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, dir))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(labels.toString())
        .hasMessageContaining("wrong magic number 0x00000803");
  }

  @Test
  void labelOutOfRangeIsRefusedWithItsIndex() throws IOException {
    writeValid(true);
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    Files.write(labels, IdxFiles.gzip(IdxFiles.labels(new byte[] {1, 2, 12, 4, 5}, IdxReader.LABEL_MAGIC)));
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, dir))
        .hasMessageContaining(labels.toString())
        .hasMessageContaining("label 12 at index 2 is out of range 0..9");
  }

  @Test
  void missingDirectoryAndMissingFileAreNamed() throws IOException {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, missing))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(missing + ": no such directory");
    writeValid(true);
    Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz"));
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, dir))
        .hasMessageContaining(dir.resolve("t10k-images-idx3-ubyte").toString())
        .hasMessageContaining("no such file");
  }

  @Test
  void countMismatchBetweenImagesAndLabelsIsRefused() throws IOException {
    writeValid(true);
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    Files.write(labels, IdxFiles.gzip(IdxFiles.labels(new byte[] {1, 2, 3}, IdxReader.LABEL_MAGIC)));
    assertThatThrownBy(() -> DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, dir))
        .hasMessageContaining("3 labels for 5 images");
  }
}
