package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.algo.ScoreTable;
import dev.hetero.training.trainer.algo.ShardPlanner;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.coordinator.RunIdentity;
import dev.hetero.training.trainer.coordinator.RunState;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.round.WorkerState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The {@code checkpoint-bench} command: how large a checkpoint of a real run state is and how
 * long the coordinator takes to write one (temporary file, fsync, atomic rename, directory fsync,
 * the oldest of three removed) and to read one back (checksum and decoding), for lenet on
 * Fashion-MNIST and resnet20 on CIFAR-10. The state is built as a run has it in the middle of a
 * shuffle period: the model and optimizer sizes of the real networks, one shard per worker
 * covering the training set, the score table and half a period of buffered loss observations,
 * and every worker's optimizer state (random values: nothing compresses them).
 */
public final class CheckpointBench {
  /**
   * Flags of the command.
   *
   * @param dir where the checkpoints are written (the file system matters: put it on the volume to measure)
   */
  public record Options(int workers, int writes, Path dir) {
    public static Options defaults() {
      return new Options(4, 9, Path.of(System.getProperty("java.io.tmpdir"), "checkpoint-bench"));
    }
  }

  /** One model's figures. */
  public record Result(String model, String dataset, int datasetSize, int modelValues, int optimizerValues, int workers,
      long bytes, double writeMedian, double writeMin, double writeMax, double readMedian) {
  }

  private final PrintStream out;

  public CheckpointBench(PrintStream out) {
    this.out = out;
  }

  /** Both models, {@code writes} writes each, into {@code dir}; prints and returns the table. */
  public List<Result> run(int workers, int writes, Path dir) throws IOException {
    List<Result> results = List.of(
        measure(ModelName.LENET, DatasetName.FASHION_MNIST, 60_000, workers, writes, dir.resolve("lenet")),
        measure(ModelName.RESNET20, DatasetName.CIFAR10, 50_000, workers, writes, dir.resolve("resnet20")));
    out.println("checkpoints in " + dir + " (" + Files.getFileStore(dir).type() + "), " + workers + " workers, median of "
        + writes + " writes");
    out.println("| model | data set | model values | optimizer values per worker | file size | write: median (min-max) | read + verify: median |");
    out.println("|---|---|---:|---:|---:|---|---:|");
    for (Result r : results) {
      out.printf(Locale.ROOT, "| %s | %s (%,d) | %,d | %,d | %,d bytes (%.2f MB) | %.1f ms (%.1f-%.1f) | %.1f ms |%n", r.model(),
          r.dataset(), r.datasetSize(), r.modelValues(), r.optimizerValues(), r.bytes(), r.bytes() / 1e6, 1000 * r.writeMedian(),
          1000 * r.writeMin(), 1000 * r.writeMax(), 1000 * r.readMedian());
    }
    return results;
  }

  public static Result measure(ModelName model, DatasetName dataset, int datasetSize, int workers, int writes, Path dir)
      throws IOException {
    RunState state = state(model, dataset, datasetSize, workers);
    CheckpointStore store = new CheckpointStore(dir, 2, new PrintStream(new ByteArrayOutputStream()));
    double[] write = new double[writes];
    double[] read = new double[writes];
    long bytes = 0;
    for (int i = 0; i < writes; i++) {
      RunState s = new RunState(state.identity(), 1, 100 + i, state.samples(), state.period(), state.model(), state.scores(),
          state.evaluations(), state.elapsedSeconds(), state.virtualSeconds(), state.workerStates());
      long t0 = System.nanoTime();
      Path file = store.write(s);
      write[i] = (System.nanoTime() - t0) / 1e9;
      bytes = Files.size(file);
      long t1 = System.nanoTime();
      RunState back = store.loadLatest().orElseThrow().state();
      read[i] = (System.nanoTime() - t1) / 1e9;
      if (back.round() != s.round()) {
        throw new IllegalStateException("read back round " + back.round() + ", wrote " + s.round());
      }
    }
    double[] sorted = write.clone();
    Arrays.sort(sorted);
    Arrays.sort(read);
    return new Result(model.wireName(), dataset.wireName(), datasetSize, state.model().length,
        state.workerStates()[0].optimizer().length, workers, bytes, sorted[writes / 2], sorted[0], sorted[writes - 1],
        read[writes / 2]);
  }

  /** A run state of the real model's sizes, in the middle of a shuffle period. */
  static RunState state(ModelName model, DatasetName dataset, int datasetSize, int workers) {
    float[] values;
    int optimizerValues;
    try (LocalTrainer trainer = new LocalTrainer(model, dataset, new OptimizerSettings(0.9, 1e-4, false), 1)) {
      values = trainer.readModel();
      optimizerValues = trainer.optimizerStateSize();
    }
    SplittableRandom random = new SplittableRandom(1);
    long[] demand = new long[workers];
    Arrays.fill(demand, datasetSize / workers);
    ScoreTable scores = new ScoreTable(datasetSize);
    int[][] shards = ShardPlanner.plan(datasetSize, demand, new boolean[workers], scores, 4, 1, 0);
    for (int[] shard : shards) {
      int half = shard.length / 2;
      float[] losses = new float[half];
      for (int i = 0; i < half; i++) {
        losses[i] = (float) random.nextDouble(3);
      }
      scores.record(Arrays.copyOf(shard, half), losses);
    }
    WorkerState[] states = new WorkerState[workers];
    for (int w = 0; w < workers; w++) {
      float[] momentum = new float[optimizerValues];
      for (int i = 0; i < momentum.length; i++) {
        momentum[i] = (float) random.nextGaussian();
      }
      states[w] = new WorkerState(w, 100, momentum, new float[0]);
    }
    long[] perRound = new long[workers];
    Arrays.fill(perRound, 256);
    return new RunState(new RunIdentity("bench", "checkpoint-bench", model.wireName(), values.length, dataset.wireName(),
        datasetSize, 1L), 1, 100, 100L * 256 * workers, new RunState.Period(0, 90, perRound, shards), values, scores,
        new RunState.Evaluations(12.5, 4096, 61_440, 0.85), 300, 120, states);
  }
}
