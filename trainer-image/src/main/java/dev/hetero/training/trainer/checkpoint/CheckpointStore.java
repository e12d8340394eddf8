package dev.hetero.training.trainer.checkpoint;

import dev.hetero.training.trainer.coordinator.Checkpoints;
import dev.hetero.training.trainer.coordinator.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Coordinator checkpoints in one directory: {@code checkpoint-<round>.htjc}, written to a
 * temporary file, fsynced, then renamed into place (and the directory fsynced), so a crash never
 * leaves a half-written checkpoint under the real name. Each file ends with the SHA-256 of its
 * content ({@link CheckpointCodec} the rest); a truncated or corrupt file is refused with a message
 * and the previous one is tried; a file of a format version this trainer cannot read is refused
 * with both versions named. The last {@code keep} checkpoints are kept.
 */
public final class CheckpointStore implements Checkpoints {
  private static final String PREFIX = "checkpoint-";
  private static final String SUFFIX = ".htjc";

  private final Path dir;
  private final int keep;
  private final PrintStream log;

  public CheckpointStore(Path dir, int keep, PrintStream log) {
    this.dir = dir;
    this.keep = Math.max(1, keep);
    this.log = log;
  }

  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public Saved save(RunState state) throws IOException {
    Path file = write(state);
    return new Saved(file.getFileName().toString(), Files.size(file));
  }

  /** Writes atomically, removes checkpoints older than the last {@code keep}, and returns the file. */
  public Path write(RunState s) throws IOException {
    Files.createDirectories(dir);
    byte[] body = CheckpointCodec.encode(s);
    byte[] sum = sha256(body);
    Path target = dir.resolve(PREFIX + String.format("%012d", s.round()) + SUFFIX);
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(body);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ByteBuffer c = ByteBuffer.wrap(sum);
      while (c.hasRemaining()) {
        ch.write(c);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.delete(tmp);
      throw new IOException("checkpoint directory " + dir + " does not support atomic rename", e);
    }
    syncDirectory();
    List<Path> all = list();
    for (int i = keep; i < all.size(); i++) {
      Files.deleteIfExists(all.get(i));
    }
    return target;
  }

  /**
   * The newest checkpoint that passes its checksum; corrupt ones are reported and skipped. One of a
   * format version this trainer cannot read stops the search (resuming from an older one would
   * silently go back in time, and the next write would destroy the newer state).
   */
  @Override
  public Optional<Loaded> loadLatest() throws IOException {
    removeStaleTemporaries();
    List<Path> files = list();
    for (Path p : files) {
      try {
        CheckpointCodec.Decoded d = decoded(p);
        return Optional.of(new Loaded(p.getFileName().toString(), d.version(), d.state()));
      } catch (CheckpointCodec.UnsupportedVersionException e) {
        throw new IOException("checkpoint " + p + ": " + e.getMessage(), e);
      } catch (CorruptCheckpointException e) {
        log.println("checkpoint: refused " + p + ": " + e.getMessage() + "; trying the previous one");
      }
    }
    if (!files.isEmpty()) {
      log.println("checkpoint: no valid checkpoint among the " + files.size() + " in " + dir + "; starting from round 0");
    }
    return Optional.empty();
  }

  /** A coordinator killed while writing leaves a temporary file; it was never a checkpoint. */
  private void removeStaleTemporaries() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith(PREFIX)
          && f.getFileName().toString().endsWith(SUFFIX + ".tmp")).toList()) {
        log.println("checkpoint: removed " + p.getFileName() + " (left by an interrupted write)");
        Files.deleteIfExists(p);
      }
    }
  }

  /** Newest first. */
  public List<Path> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
      }).sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
    }
  }

  /** The state in one checkpoint file, checked by its checksum. */
  public static RunState read(Path file) throws IOException {
    return decoded(file).state();
  }

  private static CheckpointCodec.Decoded decoded(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 32 + 8) {
      throw new CorruptCheckpointException("truncated (" + all.length + " bytes)");
    }
    byte[] body = Arrays.copyOf(all, all.length - 32);
    byte[] sum = Arrays.copyOfRange(all, all.length - 32, all.length);
    if (!MessageDigest.isEqual(sum, sha256(body))) {
      throw new CorruptCheckpointException("checksum mismatch (truncated or corrupt file)");
    }
    try {
      return CheckpointCodec.decode(body);
    } catch (CheckpointCodec.UnsupportedVersionException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CorruptCheckpointException("unreadable content: " + e);
    }
  }

  /** A checkpoint that failed its checksum or could not be decoded. */
  public static final class CorruptCheckpointException extends IOException {
    public CorruptCheckpointException(String message) {
      super(message);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void syncDirectory() {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // some file systems cannot open or sync a directory; the rename is still atomic
    }
  }
}
