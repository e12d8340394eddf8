package dev.hetero.training.trainer.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Coordinator checkpoints in one directory: {@code checkpoint-<round>.htjc}, written to a
 * temporary file, fsynced, then renamed into place (and the directory fsynced), so a crash never
 * leaves a half-written checkpoint under the real name. Each file ends with the SHA-256 of its
 * content; a truncated or corrupt file is refused with a message and the previous one is tried.
 * The last {@code keep} checkpoints are kept.
 */
public final class CheckpointStore {
  static final int MAGIC = 0x434a5448; // "HTJC"
  static final int VERSION = 1;
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

  public Path dir() {
    return dir;
  }

  /** Writes atomically and removes checkpoints older than the last {@code keep}. */
  public Path save(CoordinatorState s) throws IOException {
    Files.createDirectories(dir);
    byte[] body = encode(s);
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

  /** The newest checkpoint that passes its checksum; corrupt ones are reported and skipped. */
  public Optional<CoordinatorState> loadLatest() throws IOException {
    removeStaleTemporaries();
    for (Path p : list()) {
      try {
        return Optional.of(read(p));
      } catch (CorruptCheckpointException e) {
        log.println("checkpoint: refused " + p + ": " + e.getMessage() + "; trying the previous one");
      }
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

  public static CoordinatorState read(Path file) throws IOException {
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
      return decode(body);
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

  static byte[] encode(CoordinatorState s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * s.model().length);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(s.seed());
    out.writeLong(s.round());
    out.writeLong(s.samples());
    out.writeLong(s.periodIndex());
    out.writeLong(s.periodStart());
    out.writeInt(s.samplesPerRound().length);
    for (long v : s.samplesPerRound()) {
      out.writeLong(v);
    }
    out.writeInt(s.shards().length);
    for (int[] shard : s.shards()) {
      writeInts(out, shard);
    }
    writeFloats(out, s.model());
    out.writeBoolean(s.scores() != null);
    if (s.scores() != null) {
      writeFloats(out, s.scores());
      out.writeInt(s.pendingIndices().size());
      for (int i = 0; i < s.pendingIndices().size(); i++) {
        writeInts(out, s.pendingIndices().get(i));
        writeFloats(out, s.pendingLosses().get(i));
      }
    }
    out.writeDouble(s.lossSinceEval());
    out.writeLong(s.samplesSinceEval());
    out.writeDouble(s.nextEval());
    out.writeDouble(s.elapsedSeconds());
    out.writeDouble(s.virtualSeconds());
    out.writeDouble(s.lastAccuracy());
    out.flush();
    return bytes.toByteArray();
  }

  static CoordinatorState decode(byte[] body) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a trainer checkpoint");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("checkpoint format version " + version + ", this trainer reads " + VERSION);
    }
    long seed = in.readLong();
    long round = in.readLong();
    long samples = in.readLong();
    long periodIndex = in.readLong();
    long periodStart = in.readLong();
    long[] perRound = new long[in.readInt()];
    for (int i = 0; i < perRound.length; i++) {
      perRound[i] = in.readLong();
    }
    int[][] shards = new int[in.readInt()][];
    for (int i = 0; i < shards.length; i++) {
      shards[i] = readInts(in);
    }
    float[] model = readFloats(in);
    float[] scores = null;
    List<int[]> pi = new ArrayList<>();
    List<float[]> pl = new ArrayList<>();
    if (in.readBoolean()) {
      scores = readFloats(in);
      int k = in.readInt();
      for (int i = 0; i < k; i++) {
        pi.add(readInts(in));
        pl.add(readFloats(in));
      }
    }
    return new CoordinatorState(seed, round, samples, periodIndex, periodStart, perRound, shards, model, scores, pi, pl,
        in.readDouble(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
  }

  private static void writeInts(DataOutputStream out, int[] v) throws IOException {
    out.writeInt(v.length);
    ByteBuffer b = ByteBuffer.allocate(4 * v.length);
    b.asIntBuffer().put(v);
    out.write(b.array());
  }

  private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    ByteBuffer b = ByteBuffer.allocate(4 * v.length);
    b.asFloatBuffer().put(v);
    out.write(b.array());
  }

  private static int[] readInts(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available() / 4) {
      throw new IOException("bad array length " + n);
    }
    byte[] raw = new byte[4 * n];
    in.readFully(raw);
    int[] v = new int[n];
    ByteBuffer.wrap(raw).asIntBuffer().get(v);
    return v;
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available() / 4) {
      throw new IOException("bad array length " + n);
    }
    byte[] raw = new byte[4 * n];
    in.readFully(raw);
    float[] v = new float[n];
    ByteBuffer.wrap(raw).asFloatBuffer().get(v);
    return v;
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
