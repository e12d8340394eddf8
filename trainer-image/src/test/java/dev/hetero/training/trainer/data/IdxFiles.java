package dev.hetero.training.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files (and data sets) for tests. */
public final class IdxFiles {
  private IdxFiles() {
  }

  public static byte[] images(int count, int rows, int cols, int magic) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(magic);
      out.writeInt(count);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int i = 0; i < count * rows * cols; i++) {
        out.writeByte(i * 7 % 256);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] labels(byte[] labels, int magic) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(magic);
      out.writeInt(labels.length);
      out.write(labels);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (OutputStream gz = new GZIPOutputStream(bytes)) {
        gz.write(data);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a real data set's subset as .gz IDX files under the standard names. */
  /** The first {@code train} training and {@code test} test images of Debian's Fashion-MNIST, as IDX files in {@code dir}. */
  public static void writeFashionMnistHead(Path dir, int train, int test) throws IOException {
    TrainTestData full = DatasetLoader.fromDirectory(dev.hetero.training.api.v1alpha1.DatasetName.FASHION_MNIST,
        Path.of(dev.hetero.training.api.testing.JobYaml.FASHION_MNIST));
    writeSubset(new TrainTestData(full.train().head(train), full.test().head(test)), dir);
  }

  public static void writeSubset(TrainTestData data, Path dir) throws IOException {
    Files.createDirectories(dir);
    write(data.train(), dir, "train");
    write(data.test(), dir, "t10k");
  }

  private static void write(ImageDataset d, Path dir, String prefix) throws IOException {
    ByteArrayOutputStream img = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(img);
    out.writeInt(IdxReader.IMAGE_MAGIC);
    out.writeInt(d.size());
    out.writeInt(d.height());
    out.writeInt(d.width());
    out.write(d.pixels());
    Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), gzip(img.toByteArray()));
    Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), gzip(labels(d.labels(), IdxReader.LABEL_MAGIC)));
  }
}
