package dev.hetero.training.trainer.data;

import java.nio.file.Path;

/** A data file that cannot be used; the message always names the file and the problem. */
public final class DataFormatException extends RuntimeException {
  public DataFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public DataFormatException(String location, String problem, Throwable cause) {
    super(location + ": " + problem, cause);
  }
}
