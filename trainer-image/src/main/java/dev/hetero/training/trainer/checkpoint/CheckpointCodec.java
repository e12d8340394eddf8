package dev.hetero.training.trainer.checkpoint;

import dev.hetero.training.trainer.algo.ScoreTable;
import dev.hetero.training.trainer.coordinator.RunIdentity;
import dev.hetero.training.trainer.coordinator.RunState;
import dev.hetero.training.trainer.round.WorkerState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a checkpoint's body (the store appends its SHA-256). Big-endian, arrays as a
 * length then raw values. Version 2 (written): magic, version, the run's identity (namespace, job,
 * model, model size, data set, data-set size, seed), the plan version, round, samples, the shuffle
 * period and its shards, the model, the score table with its pending observations, the evaluation
 * counters, both clocks, then every worker's state (rank, round, optimizer vector, local BatchNorm
 * statistics). Version 1 (read for compatibility, never written): the same without the identity
 * beyond the seed, the plan version and the worker states.
 */
final class CheckpointCodec {
  static final int MAGIC = 0x434a5448; // "HTJC"
  static final int VERSION = 2;
  /** The oldest version this trainer still reads. */
  static final int OLDEST_READABLE = 1;

  private CheckpointCodec() {
  }

  /** A decoded body and the version it was written in. */
  record Decoded(int version, RunState state) {
  }

  static byte[] encode(RunState s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + 4 * s.model().length);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    RunIdentity id = s.identity();
    out.writeUTF(id.namespace());
    out.writeUTF(id.job());
    out.writeUTF(id.model());
    out.writeInt(id.modelSize());
    out.writeUTF(id.dataset());
    out.writeInt(id.datasetSize());
    out.writeLong(id.seed());
    out.writeLong(s.planVersion());
    writeProgress(out, s);
    WorkerState[] states = s.workerStates();
    out.writeInt(states.length);
    for (WorkerState w : states) {
      out.writeBoolean(w != null);
      if (w != null) {
        out.writeInt(w.rank());
        out.writeLong(w.round());
        writeFloats(out, w.optimizer());
        writeFloats(out, w.localBuffers());
      }
    }
    out.flush();
    return bytes.toByteArray();
  }

  static Decoded decode(byte[] body) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a trainer checkpoint");
    }
    int version = in.readInt();
    if (version < OLDEST_READABLE || version > VERSION) {
      throw new UnsupportedVersionException("checkpoint format version " + version + "; this trainer reads versions "
          + OLDEST_READABLE + " to " + VERSION + (version > VERSION ? " (written by a newer trainer)" : ""));
    }
    if (version == 1) {
      long seed = in.readLong();
      Progress p = readProgress(in);
      RunIdentity id = new RunIdentity(null, null, null, p.model.length, null, p.scores == null ? null : p.scores.size(), seed);
      return new Decoded(1, p.toState(id, -1, new WorkerState[0]));
    }
    RunIdentity id = new RunIdentity(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt(), in.readUTF(), in.readInt(),
        in.readLong());
    long planVersion = in.readLong();
    Progress p = readProgress(in);
    WorkerState[] states = new WorkerState[in.readInt()];
    for (int i = 0; i < states.length; i++) {
      if (in.readBoolean()) {
        states[i] = new WorkerState(in.readInt(), in.readLong(), readFloats(in), readFloats(in));
      }
    }
    if (in.available() > 0) {
      throw new IOException(in.available() + " bytes after the last field");
    }
    return new Decoded(2, p.toState(id, planVersion, states));
  }

  /** A version this trainer cannot read (refused, unlike a corrupt file, with the versions named). */
  static final class UnsupportedVersionException extends IOException {
    UnsupportedVersionException(String message) {
      super(message);
    }
  }

  /** The part both versions share, in version 1's field order. */
  private static void writeProgress(DataOutputStream out, RunState s) throws IOException {
    out.writeLong(s.round());
    out.writeLong(s.samples());
    RunState.Period period = s.period();
    out.writeLong(period.index());
    out.writeLong(period.startRound());
    out.writeInt(period.samplesPerRound().length);
    for (long v : period.samplesPerRound()) {
      out.writeLong(v);
    }
    out.writeInt(period.shards().length);
    for (int[] shard : period.shards()) {
      writeInts(out, shard);
    }
    writeFloats(out, s.model());
    ScoreTable scores = s.scores();
    out.writeBoolean(scores != null);
    if (scores != null) {
      writeFloats(out, scores.scores());
      List<int[]> indices = scores.pendingIndices();
      List<float[]> losses = scores.pendingLosses();
      out.writeInt(indices.size());
      for (int i = 0; i < indices.size(); i++) {
        writeInts(out, indices.get(i));
        writeFloats(out, losses.get(i));
      }
    }
    RunState.Evaluations e = s.evaluations();
    out.writeDouble(e.lossSinceEval());
    out.writeLong(e.samplesSinceEval());
    out.writeDouble(e.nextEval());
    out.writeDouble(s.elapsedSeconds());
    out.writeDouble(s.virtualSeconds());
    out.writeDouble(e.lastAccuracy());
  }

  private record Progress(long round, long samples, RunState.Period period, float[] model, ScoreTable scores,
      RunState.Evaluations evaluations, double elapsed, double virtual) {
    RunState toState(RunIdentity id, long planVersion, WorkerState[] states) {
      return new RunState(id, planVersion, round, samples, period, model, scores, evaluations, elapsed, virtual, states);
    }
  }

  private static Progress readProgress(DataInputStream in) throws IOException {
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
    ScoreTable scores = null;
    if (in.readBoolean()) {
      float[] merged = readFloats(in);
      int k = in.readInt();
      List<int[]> pendingIndices = new ArrayList<>();
      List<float[]> pendingLosses = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        pendingIndices.add(readInts(in));
        pendingLosses.add(readFloats(in));
      }
      scores = ScoreTable.restored(merged, pendingIndices, pendingLosses);
    }
    double lossSinceEval = in.readDouble();
    long samplesSinceEval = in.readLong();
    double nextEval = in.readDouble();
    double elapsed = in.readDouble();
    double virtual = in.readDouble();
    double lastAccuracy = in.readDouble();
    return new Progress(round, samples, new RunState.Period(periodIndex, periodStart, perRound, shards), model, scores,
        new RunState.Evaluations(lossSinceEval, samplesSinceEval, nextEval, lastAccuracy), elapsed, virtual);
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
}
