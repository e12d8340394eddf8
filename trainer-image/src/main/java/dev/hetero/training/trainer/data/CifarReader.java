package dev.hetero.training.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads CIFAR-10's binary batches: records of 1 label byte followed by 3072 pixel bytes (1024
 * red, 1024 green, 1024 blue, each row-major 32x32), which is already NCHW.
 */
public final class CifarReader {
  static final int IMAGE_BYTES = 3 * 32 * 32;
  static final int RECORD_BYTES = 1 + IMAGE_BYTES;

  private CifarReader() {
  }

  public static ImageDataset read(String name, List<Path> files) {
    byte[][] contents = new byte[files.size()][];
    int records = 0;
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      try {
        contents[f] = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new DataFormatException(file, "no such file");
      } catch (IOException e) {
        throw new DataFormatException(file.toString(), "cannot read (" + e + ")", e);
      }
      if (contents[f].length == 0 || contents[f].length % RECORD_BYTES != 0) {
        throw new DataFormatException(file, "truncated or not a CIFAR-10 binary batch: " + contents[f].length
            + " bytes is not a positive multiple of the " + RECORD_BYTES + "-byte record");
      }
      records += contents[f].length / RECORD_BYTES;
    }
    byte[] pixels = new byte[records * IMAGE_BYTES];
    byte[] labels = new byte[records];
    int r = 0;
    for (int f = 0; f < files.size(); f++) {
      byte[] data = contents[f];
      for (int offset = 0; offset < data.length; offset += RECORD_BYTES, r++) {
        int label = data[offset] & 0xff;
        if (label > 9) {
          throw new DataFormatException(files.get(f), "label " + label + " of record " + (offset / RECORD_BYTES)
              + " is out of range 0..9");
        }
        labels[r] = (byte) label;
        System.arraycopy(data, offset + 1, pixels, r * IMAGE_BYTES, IMAGE_BYTES);
      }
    }
    return new ImageDataset(name, 3, 32, 32, 10, pixels, labels);
  }
}
