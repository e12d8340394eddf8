package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.worker.RoundCommand;
import dev.hetero.training.trainer.worker.RoundResult;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The data-plane wire format: frames of [type int32][payload length int32][payload], everything
 * little-endian, model vectors as raw float32 (no JSON). Small on purpose: the next transport
 * (gRPC) replaces this class and the two socket classes, nothing else.
 */
public final class Frames {
  public static final int HELLO = 1;
  public static final int WELCOME = 2;
  public static final int REJECT = 3;
  public static final int ROUND = 4;
  public static final int RESULT = 5;
  public static final int STOP = 6;
  public static final int FINAL = 7;

  /** "HTJ1": protocol and version. */
  static final int MAGIC = 0x314a5448;
  /** Refuse absurd lengths before allocating (a stray client or a corrupted stream). */
  static final int MAX_PAYLOAD = 1 << 30;

  private Frames() {
  }

  public record Frame(int type, ByteBuffer payload) {
  }

  /** What a worker announces when it connects; the token is checked, never logged. */
  public record Hello(int rank, int worldSize, int batch, int localSteps, int modelSize, byte[] token) {
  }

  public static void write(OutputStream out, int type, ByteBuffer payload) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(type).putInt(payload.remaining());
    out.write(header.array());
    out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
    out.flush();
  }

  public static Frame read(DataInputStream in) throws IOException {
    byte[] header = new byte[8];
    try {
      in.readFully(header);
    } catch (EOFException e) {
      throw new EOFException("connection closed by the peer");
    }
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int type = h.getInt();
    int length = h.getInt();
    if (length < 0 || length > MAX_PAYLOAD) {
      throw new IOException("bad frame: type " + type + " with payload length " + length);
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN));
  }

  public static ByteBuffer hello(Hello hello) {
    ByteBuffer b = allocate(4 + 4 * 5 + 4 + hello.token().length);
    b.putInt(MAGIC).putInt(hello.rank()).putInt(hello.worldSize()).putInt(hello.batch()).putInt(hello.localSteps())
        .putInt(hello.modelSize()).putInt(hello.token().length).put(hello.token());
    return b.flip();
  }

  public static Hello parseHello(ByteBuffer b) throws IOException {
    if (b.remaining() < 28 || b.getInt() != MAGIC) {
      throw new IOException("not a trainer worker (bad hello)");
    }
    int rank = b.getInt();
    int world = b.getInt();
    int batch = b.getInt();
    int steps = b.getInt();
    int modelSize = b.getInt();
    int tokenLength = b.getInt();
    if (tokenLength < 0 || tokenLength > b.remaining()) {
      throw new IOException("bad hello: token length " + tokenLength);
    }
    byte[] token = new byte[tokenLength];
    b.get(token);
    return new Hello(rank, world, batch, steps, modelSize, token);
  }

  public static ByteBuffer text(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    return allocate(bytes.length).put(bytes).flip();
  }

  public static String parseText(ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public static ByteBuffer command(RoundCommand c) {
    ByteBuffer b = allocate(8 + 8 + 1 + 8 + 4 + 4 + 4 * c.indices().length + 4 + 4 * c.model().length);
    b.putLong(c.round()).putDouble(c.learningRate()).put((byte) (c.includeBuffers() ? 1 : 0)).putLong(c.augmentSeed())
        .putInt(c.batch());
    putInts(b, c.indices());
    putFloats(b, c.model());
    return b.flip();
  }

  public static RoundCommand parseCommand(ByteBuffer b, boolean stop) {
    long round = b.getLong();
    double lr = b.getDouble();
    boolean buffers = b.get() != 0;
    long seed = b.getLong();
    int batch = b.getInt();
    int[] indices = getInts(b);
    float[] model = getFloats(b);
    return new RoundCommand(round, lr, buffers, seed, stop, batch, indices, model);
  }

  public static ByteBuffer result(RoundResult r) {
    float[] model = r.model() == null ? new float[0] : r.model();
    ByteBuffer b = allocate(4 + 8 + 8 + 4 + r.loadedDigest().length + 4 + 4 * r.indices().length + 4 + 4 * r.losses().length
        + 4 + 4 * model.length);
    b.putInt(r.rank()).putLong(r.round()).putDouble(r.computeSeconds()).putInt(r.loadedDigest().length).put(r.loadedDigest());
    putInts(b, r.indices());
    putFloats(b, r.losses());
    putFloats(b, model);
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
    return new RoundResult(rank, round, compute, digest, indices, losses, model.length == 0 ? null : model);
  }

  private static ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void putInts(ByteBuffer b, int[] values) {
    b.putInt(values.length);
    b.asIntBuffer().put(values);
    b.position(b.position() + 4 * values.length);
  }

  private static void putFloats(ByteBuffer b, float[] values) {
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

  private static float[] getFloats(ByteBuffer b) {
    float[] values = new float[b.getInt()];
    b.asFloatBuffer().get(values);
    b.position(b.position() + 4 * values.length);
    return values;
  }
}
