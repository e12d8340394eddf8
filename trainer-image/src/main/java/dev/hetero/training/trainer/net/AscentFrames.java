package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.ascent.Perturbation;
import dev.hetero.training.trainer.ascent.Snapshot;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The asyncSAM relay's three methods (service {@code hetero.trainer.v1.Ascent}, on rank 0's
 * server beside the round methods) and their little-endian payloads, models and perturbations
 * as raw float32:
 * <ul>
 *   <li>{@code Offer}: a training worker's snapshot (magic, worker rank, step, step seconds,
 *       wait seconds, model); answered with one byte 1;</li>
 *   <li>{@code Fetch}: a training worker asks for a perturbation from step {@code minSource} or
 *       later (magic, worker rank, minSource); parked until one exists or the poll interval
 *       ends: WAIT, ITEM + perturbation, or STOP;</li>
 *   <li>{@code Ascend}: a helper hands in its last perturbation and asks for a snapshot newer than
 *       {@code after} (magic, helper rank, worker rank, after, model size, 0/1 + perturbation);
 *       parked likewise: WAIT, ITEM + snapshot, or STOP.</li>
 * </ul>
 */
public final class AscentFrames {
  /** "HTA1": the asyncSAM relay, version 1. */
  static final int MAGIC = 0x31415448;
  static final byte WAIT = 0;
  static final byte ITEM = 1;
  static final byte STOP = 2;
  static final String SERVICE = "hetero.trainer.v1.Ascent";
  static final MethodDescriptor<byte[], byte[]> OFFER = GrpcWire.method(SERVICE, "Offer");
  static final MethodDescriptor<byte[], byte[]> FETCH = GrpcWire.method(SERVICE, "Fetch");
  static final MethodDescriptor<byte[], byte[]> ASCEND = GrpcWire.method(SERVICE, "Ascend");

  private AscentFrames() {
  }

  record Offer(int workerRank, Snapshot snapshot) {
  }

  record Fetch(int workerRank, long minSource) {
  }

  record Ascend(int helperRank, int workerRank, long after, int modelSize, Perturbation previous) {
  }

  static byte[] offer(int workerRank, Snapshot s) {
    ByteBuffer b = allocate(4 + 4 + 8 + 8 + 8 + 4 + 4 * s.model().length);
    b.putInt(MAGIC).putInt(workerRank).putLong(s.step()).putDouble(s.stepSeconds()).putDouble(s.waitSeconds());
    Frames.putFloats(b, s.model());
    return b.array();
  }

  static Offer parseOffer(byte[] bytes) throws IOException {
    ByteBuffer b = checked(bytes, 32);
    int rank = b.getInt();
    long step = b.getLong();
    double seconds = b.getDouble();
    double waited = b.getDouble();
    return new Offer(rank, new Snapshot(step, Frames.getFloats(b), seconds, waited));
  }

  static byte[] fetch(int workerRank, long minSource) {
    return allocate(16).putInt(MAGIC).putInt(workerRank).putLong(minSource).array();
  }

  static Fetch parseFetch(byte[] bytes) throws IOException {
    ByteBuffer b = checked(bytes, 16);
    return new Fetch(b.getInt(), b.getLong());
  }

  static byte[] ascend(int helperRank, int workerRank, long after, int modelSize, Perturbation previous) {
    int size = 4 + 4 + 4 + 8 + 4 + 1 + (previous == null ? 0 : perturbationBytes(previous));
    ByteBuffer b = allocate(size).putInt(MAGIC).putInt(helperRank).putInt(workerRank).putLong(after).putInt(modelSize);
    b.put((byte) (previous == null ? 0 : 1));
    if (previous != null) {
      putPerturbation(b, previous);
    }
    return b.array();
  }

  static Ascend parseAscend(byte[] bytes) throws IOException {
    ByteBuffer b = checked(bytes, 25);
    int helper = b.getInt();
    int worker = b.getInt();
    long after = b.getLong();
    int modelSize = b.getInt();
    return new Ascend(helper, worker, after, modelSize, b.get() == 0 ? null : getPerturbation(b));
  }

  /** An answer: WAIT, STOP, or ITEM followed by a perturbation. */
  static byte[] perturbationAnswer(byte kind, Perturbation p) {
    ByteBuffer b = allocate(1 + (p == null ? 0 : perturbationBytes(p))).put(kind);
    if (p != null) {
      putPerturbation(b, p);
    }
    return b.array();
  }

  static Perturbation parsePerturbationAnswer(byte[] bytes) {
    return getPerturbation(afterKind(bytes));
  }

  /** An answer: WAIT, STOP, or ITEM followed by a snapshot. */
  static byte[] snapshotAnswer(byte kind, Snapshot s) {
    ByteBuffer b = allocate(1 + (s == null ? 0 : 8 + 8 + 8 + 4 + 4 * s.model().length)).put(kind);
    if (s != null) {
      b.putLong(s.step()).putDouble(s.stepSeconds()).putDouble(s.waitSeconds());
      Frames.putFloats(b, s.model());
    }
    return b.array();
  }

  static Snapshot parseSnapshotAnswer(byte[] bytes) {
    ByteBuffer b = afterKind(bytes);
    long step = b.getLong();
    double seconds = b.getDouble();
    double waited = b.getDouble();
    return new Snapshot(step, Frames.getFloats(b), seconds, waited);
  }

  /** An answer's payload, after its kind byte. */
  private static ByteBuffer afterKind(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 1, bytes.length - 1).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int perturbationBytes(Perturbation p) {
    return 8 + 4 + 8 + 8 + 4 + 4 * p.epsilon().length;
  }

  private static void putPerturbation(ByteBuffer b, Perturbation p) {
    b.putLong(p.source()).putInt(p.batch()).putDouble(p.ascentSeconds()).putDouble(p.utilisation());
    Frames.putFloats(b, p.epsilon());
  }

  private static Perturbation getPerturbation(ByteBuffer b) {
    long source = b.getLong();
    int batch = b.getInt();
    double seconds = b.getDouble();
    double utilisation = b.getDouble();
    return new Perturbation(source, Frames.getFloats(b), batch, seconds, utilisation);
  }

  private static ByteBuffer checked(byte[] bytes, int minimum) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < minimum || b.getInt() != MAGIC) {
      throw new IOException("not an asyncSAM relay message of this version");
    }
    return b;
  }

  private static ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
