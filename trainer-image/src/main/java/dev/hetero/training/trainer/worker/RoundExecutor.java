package dev.hetero.training.trainer.worker;

import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.engine.LocalTrainer;
import java.util.SplittableRandom;

/**
 * The worker side of a round, the same in a pod, in a child process of the local runner, and in
 * a simulated run: load the average, run the local steps on the given samples, report.
 *
 * <p>With a simulated slowdown and real sleeps, every step is followed by a sleep of
 * (factor - 1) times its measured cost, so a slowed worker shows live what the virtual clock
 * charges.
 */
public final class RoundExecutor {
  private final int rank;
  private final LocalTrainer trainer;
  private final BatchAssembler train;
  private final double slowdown;
  private final boolean sleep;
  private final boolean[] bufferMask;
  private int batch;
  private float[] inputs;
  private int[] labels;
  private RoundObserver observer = RoundObserver.NONE;

  /** Told about every finished round (metrics). */
  public interface RoundObserver {
    void roundDone(RoundCommand command, RoundResult result, double wallSeconds);

    RoundObserver NONE = (c, r, s) -> {
    };
  }

  public void observer(RoundObserver observer) {
    this.observer = observer;
  }

  public RoundExecutor(int rank, LocalTrainer trainer, BatchAssembler train, int batch, double slowdown, boolean sleep) {
    this.rank = rank;
    this.trainer = trainer;
    this.train = train;
    this.batch = batch;
    this.slowdown = slowdown;
    this.sleep = sleep;
    this.bufferMask = trainer.layout().bufferMask();
    this.inputs = new float[batch * trainer.sampleSize()];
    this.labels = new int[batch];
  }

  public int rank() {
    return rank;
  }

  public int batch() {
    return batch;
  }

  public LocalTrainer trainer() {
    return trainer;
  }

  public RoundResult run(RoundCommand command) {
    long wall0 = System.nanoTime();
    trainer.loadModel(command.model(), command.includeBuffers());
    byte[] digest = ModelDigest.of(trainer.readModel(), command.includeBuffers() ? null : bufferMask);
    int[] indices = command.indices();
    if (command.batch() > 0 && command.batch() != batch) {
      // a live re-plan changed this worker's batch: picked up at this round boundary
      batch = command.batch();
      inputs = new float[batch * trainer.sampleSize()];
      labels = new int[batch];
    }
    if (indices.length % batch != 0) {
      throw new IllegalArgumentException("rank " + rank + ": round " + command.round() + " brings " + indices.length
          + " samples, not a multiple of this worker's batch " + batch);
    }
    float[] losses = new float[indices.length];
    double compute = 0;
    int steps = indices.length / batch;
    for (int s = 0; s < steps; s++) {
      SplittableRandom augment = new SplittableRandom(command.augmentSeed() * 1_000_003L + s * 7919L + rank);
      long t0 = System.nanoTime();
      train.fill(indices, s * batch, batch, inputs, labels, augment);
      float[] stepLosses = trainer.trainStep(inputs, labels, batch, command.learningRate());
      long spent = System.nanoTime() - t0;
      compute += spent / 1e9;
      System.arraycopy(stepLosses, 0, losses, s * batch, batch);
      if (sleep && slowdown > 1) {
        sleepNanos((long) (spent * (slowdown - 1)));
      }
    }
    RoundResult result = new RoundResult(rank, command.round(), compute, digest, indices, losses, trainer.readModel());
    observer.roundDone(command, result, (System.nanoTime() - wall0) / 1e9);
    return result;
  }

  /** Loads the final model (the last average) so this worker ends with the job's model. */
  public byte[] finish(RoundCommand stop) {
    trainer.loadModel(stop.model(), stop.includeBuffers());
    return ModelDigest.of(trainer.readModel(), stop.includeBuffers() ? null : bufferMask);
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
