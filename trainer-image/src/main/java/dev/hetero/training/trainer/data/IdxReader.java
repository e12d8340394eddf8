package dev.hetero.training.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, raw or gzip-compressed (detected by content,
 * not by name). Images: magic 0x00000803, count, rows, columns, then bytes. Labels: magic
 * 0x00000801, count, then bytes.
 */
public final class IdxReader {
  static final int IMAGE_MAGIC = 0x00000803;
  static final int LABEL_MAGIC = 0x00000801;

  private IdxReader() {
  }

  /** Image bytes and their geometry. */
  public record Images(int count, int rows, int columns, byte[] pixels) {
  }

  public static Images readImages(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != IMAGE_MAGIC) {
        throw new DataFormatException(file, String.format("wrong magic number 0x%08x, expected 0x%08x (IDX images)", magic, IMAGE_MAGIC));
      }
      int count = in.readInt();
      int rows = in.readInt();
      int columns = in.readInt();
      if (count < 0 || rows <= 0 || columns <= 0 || (long) count * rows * columns > Integer.MAX_VALUE) {
        throw new DataFormatException(file, "implausible header: " + count + " images of " + rows + "x" + columns);
      }
      byte[] pixels = new byte[count * rows * columns];
      readFully(in, pixels, file, "images");
      return new Images(count, rows, columns, pixels);
    } catch (IOException e) {
      throw wrap(file, e);
    }
  }

  public static byte[] readLabels(Path file, int classes) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != LABEL_MAGIC) {
        throw new DataFormatException(file, String.format("wrong magic number 0x%08x, expected 0x%08x (IDX labels)", magic, LABEL_MAGIC));
      }
      int count = in.readInt();
      if (count < 0) {
        throw new DataFormatException(file, "implausible header: " + count + " labels");
      }
      byte[] labels = new byte[count];
      readFully(in, labels, file, "labels");
      for (int i = 0; i < count; i++) {
        int label = labels[i] & 0xff;
        if (label >= classes) {
          throw new DataFormatException(file, "label " + label + " at index " + i + " is out of range 0.." + (classes - 1));
        }
      }
      return labels;
    } catch (IOException e) {
      throw wrap(file, e);
    }
  }

  private static void readFully(DataInputStream in, byte[] into, Path file, String what) throws IOException {
    int read = 0;
    while (read < into.length) {
      int n = in.read(into, read, into.length - read);
      if (n < 0) {
        throw new DataFormatException(file, "truncated: header announces " + into.length + " bytes of " + what
            + " but the file ends after " + read);
      }
      read += n;
    }
  }

  static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
  }

  static DataFormatException wrap(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new DataFormatException(file, "no such file");
    }
    if (e instanceof EOFException) {
      return new DataFormatException(file.toString(), "truncated: the file ends inside its header or compressed stream", e);
    }
    if (e instanceof ZipException) {
      return new DataFormatException(file.toString(), "corrupt gzip data (" + e.getMessage() + ")", e);
    }
    return new DataFormatException(file.toString(), "cannot read (" + e + ")", e);
  }
}
