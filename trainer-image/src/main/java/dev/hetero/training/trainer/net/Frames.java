package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.AscentStats;
import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte encodings of the data plane's messages (the payloads of the gRPC calls in
 * {@link GrpcWire}): everything little-endian, model vectors and losses as raw float32, indices as
 * int32, no JSON. A hello starts with a magic number so a stray client is told apart at once.
 */
public final class Frames {
  /**
   * "HTJ4": protocol and version (4: a worker is known by its name in the plan, not by rank and
   * world size, so ranks may be renumbered and the world may change while it runs; 3: optimizer
   * state in commands and results, the hello says whether the worker holds state; 2: the hello
   * carries no batch, local steps or token).
   */
  static final int MAGIC = 0x344a5448;

  /** Longest worker name a frame carries (a pod name: a DNS label of at most 63 characters, with room). */
  static final int MAX_NAME_BYTES = 253;

  private Frames() {
  }

  /**
   * What a worker announces on every poll: its name in the plan (its rank there may change from
   * one plan version to the next; the name does not), the size of its model, and whether it holds
   * optimizer state of its own (false: a new process, which the coordinator hands its saved state
   * with its next command).
   */
  public record Hello(String worker, int modelSize, boolean holdsState) {
  }

  /** A round result as handed in, with the name of the worker that trained it. */
  public record Submission(String worker, RoundResult result) {
  }

  public static ByteBuffer hello(Hello hello) {
    byte[] name = nameBytes(hello.worker());
    ByteBuffer b = allocate(4 + 4 + name.length + 4 + 1);
    b.putInt(MAGIC).putInt(name.length).put(name).putInt(hello.modelSize()).put((byte) (hello.holdsState() ? 1 : 0));
    return b.flip();
  }

  public static Hello parseHello(ByteBuffer b) throws IOException {
    if (b.remaining() < 13 || b.getInt() != MAGIC) {
      throw new IOException("not a trainer worker of this version (bad hello)");
    }
    String worker = getName(b);
    if (b.remaining() < 5) {
      throw new IOException("hello of worker " + worker + " ends early");
    }
    return new Hello(worker, b.getInt(), b.get() != 0);
  }

  /** The name, then the result (a name that does not fit a frame is the worker's mistake: refused at once). */
  public static ByteBuffer submission(String worker, RoundResult r) {
    byte[] name = nameBytes(worker);
    ByteBuffer result = result(r);
    ByteBuffer b = allocate(4 + name.length + result.remaining());
    b.putInt(name.length).put(name).put(result);
    return b.flip();
  }

  public static Submission parseSubmission(ByteBuffer b) throws IOException {
    String worker = getName(b);
    return new Submission(worker, parseResult(b));
  }

  private static byte[] nameBytes(String worker) {
    byte[] name = worker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("worker name of " + name.length + " bytes (1.." + MAX_NAME_BYTES + ")");
    }
    return name;
  }

  private static String getName(ByteBuffer b) throws IOException {
    int length = b.getInt();
    if (length < 1 || length > MAX_NAME_BYTES || length > b.remaining()) {
      throw new IOException("worker name of " + length + " bytes (1.." + MAX_NAME_BYTES + ", and within the frame)");
    }
    byte[] name = new byte[length];
    b.get(name);
    return new String(name, java.nio.charset.StandardCharsets.UTF_8);
  }

  public static ByteBuffer command(RoundCommand c) {
    ByteBuffer b = allocate(8 + 8 + 8 + 1 + 8 + 4 + 8 + 4 + 4 * c.indices().length + 4 + 4 * c.model().length + 1
        + stateSize(c.restore()));
    b.putLong(c.round()).putLong(c.planVersion()).putDouble(c.learningRate()).put((byte) (c.includeBuffers() ? 1 : 0))
        .putLong(c.augmentSeed()).putInt(c.batch()).putDouble(c.slowdown());
    putInts(b, c.indices());
    putFloats(b, c.model());
    b.put((byte) (c.reportState() ? 1 : 0));
    putState(b, c.restore());
    return b.flip();
  }

  public static RoundCommand parseCommand(ByteBuffer b, RoundCommand.Kind kind) {
    long round = b.getLong();
    long planVersion = b.getLong();
    double lr = b.getDouble();
    boolean buffers = b.get() != 0;
    long seed = b.getLong();
    int batch = b.getInt();
    double slowdown = b.getDouble();
    int[] indices = getInts(b);
    float[] model = getFloats(b);
    boolean reportState = b.get() != 0;
    return new RoundCommand(round, planVersion, lr, buffers, seed, kind, batch, slowdown, indices, model, reportState,
        getState(b));
  }

  /** A round result; an asyncSAM worker's statistics follow the model (a result without them simply ends there). */
  public static ByteBuffer result(RoundResult r) {
    float[] model = r.model() == null ? new float[0] : r.model();
    AscentStats a = r.ascent();
    ByteBuffer b = allocate(4 + 8 + 8 + 4 + r.loadedDigest().length + 4 + 4 * r.indices().length + 4 + 4 * r.losses().length
        + 4 + 4 * model.length + stateSize(r.state()) + (a == null ? 0 : 52));
    b.putInt(r.rank()).putLong(r.round()).putDouble(r.computeSeconds()).putInt(r.loadedDigest().length).put(r.loadedDigest());
    putInts(b, r.indices());
    putFloats(b, r.losses());
    putFloats(b, model);
    putState(b, r.state());
    if (a != null) {
      b.putInt(a.perturbed()).putInt(a.unperturbed()).putDouble(a.ageSum()).putLong(a.maxAge()).putDouble(a.waitSeconds())
          .putDouble(a.stepSeconds()).putInt(a.perturbationBatch()).putDouble(a.helperUtilisation());
    }
    return b.flip();
  }

  public static RoundResult parseResult(ByteBuffer b) {
    int rank = b.getInt();
    long round = b.getLong();
    double compute = b.getDouble();
    byte[] digest = new byte[b.getInt()];
    b.get(digest);
    int[] indices = getInts(b);
    float[] losses = getFloats(b);
    float[] model = getFloats(b);
    WorkerState state = getState(b);
    AscentStats ascent = b.remaining() < 52 ? null : new AscentStats(b.getInt(), b.getInt(), b.getDouble(), b.getLong(),
        b.getDouble(), b.getDouble(), b.getInt(), b.getDouble());
    return new RoundResult(rank, round, compute, digest, indices, losses, model.length == 0 ? null : model, state, ascent);
  }

  /** A presence byte, then rank, round and the two vectors. */
  private static int stateSize(WorkerState s) {
    return 1 + (s == null ? 0 : 4 + 8 + 4 + 4 + (int) s.bytes());
  }

  private static void putState(ByteBuffer b, WorkerState s) {
    b.put((byte) (s == null ? 0 : 1));
    if (s != null) {
      b.putInt(s.rank()).putLong(s.round());
      putFloats(b, s.optimizer());
      putFloats(b, s.localBuffers());
    }
  }

  private static WorkerState getState(ByteBuffer b) {
    if (b.get() == 0) {
      return null;
    }
    int rank = b.getInt();
    long round = b.getLong();
    return new WorkerState(rank, round, getFloats(b), getFloats(b));
  }

  private static ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void putInts(ByteBuffer b, int[] values) {
    b.putInt(values.length);
    b.asIntBuffer().put(values);
    b.position(b.position() + 4 * values.length);
  }

  static void putFloats(ByteBuffer b, float[] values) {
    b.putInt(values.length);
    b.asFloatBuffer().put(values);
    b.position(b.position() + 4 * values.length);
  }

  private static int[] getInts(ByteBuffer b) {
    int[] values = new int[b.getInt()];
    b.asIntBuffer().get(values);
    b.position(b.position() + 4 * values.length);
    return values;
  }

  static float[] getFloats(ByteBuffer b) {
    float[] values = new float[b.getInt()];
    b.asFloatBuffer().get(values);
    b.position(b.position() + 4 * values.length);
    return values;
  }
}
