package dev.hetero.training.trainer.worker;

import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.round.ModelDigest;
import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.RoundWorker;
import dev.hetero.training.trainer.round.WorkerState;
import java.util.SplittableRandom;

/**
 * The worker side of a round, the same in a pod, in a child process of the local runner, and in
 * a simulated run: load the average, run the local steps on the given samples with the worker's
 * update rule ({@link StepRule}: sgd, sam or asyncSAM), report.
 *
 * <p>Batch and simulated slowdown come with every command (the coordinator's plan), so a live
 * re-plan applies at the next round. With a slowdown and real sleeps, every step is followed by a
 * sleep of (factor - 1) times its measured cost, so a slowed worker shows live what the virtual
 * clock charges.
 */
public final class RoundExecutor implements RoundWorker {
  private final int rank;
  private final LocalTrainer trainer;
  private final StepRule rule;
  private final BatchAssembler train;
  private final boolean sleep;
  private final boolean[] bufferMask;
  private final java.io.PrintStream log;
  private int batch;
  private long planVersion;
  private boolean holdsState;
  private float[] inputs = new float[0];
  private int[] labels = new int[0];
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

  /**
   * @param sleep whether a simulated slowdown sleeps for real (wall clock) or is only charged to the virtual clock
   * @param log where a batch change from a live re-plan is reported
   */
  public RoundExecutor(int rank, LocalTrainer trainer, BatchAssembler train, boolean sleep, java.io.PrintStream log) {
    this(rank, trainer, train, StepRule.SGD, sleep, log);
  }

  /**
   * @param rule the plan's update rule for this worker (sgd, sam, asyncSAM)
   */
  public RoundExecutor(int rank, LocalTrainer trainer, BatchAssembler train, StepRule rule, boolean sleep,
      java.io.PrintStream log) {
    this.rank = rank;
    this.rule = rule;
    this.trainer = trainer;
    this.train = train;
    this.sleep = sleep;
    this.log = log;
    this.bufferMask = trainer.layout().bufferMask();
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public RoundResult train(RoundCommand command) {
    long wall0 = System.nanoTime();
    trainer.loadModel(command.model(), command.includeBuffers());
    byte[] digest = ModelDigest.of(trainer.readModel(), command.includeBuffers() ? null : bufferMask);
    if (command.restore() != null) {
      restore(command.restore(), command.round());
    }
    int[] indices = command.indices();
    if (command.batch() < 1) {
      throw new IllegalArgumentException("rank " + rank + ": round " + command.round() + " has batch " + command.batch());
    }
    if (command.batch() != batch) {
      if (batch != 0) {
        log.println("worker rank " + rank + ": batch " + batch + " -> " + command.batch() + " from round " + command.round()
            + " (plan version " + planVersion + " -> " + command.planVersion() + ")");
      }
      batch = command.batch();
      inputs = new float[batch * trainer.sampleSize()];
      labels = new int[batch];
    }
    planVersion = command.planVersion();
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
      float[] stepLosses = rule.step(trainer, inputs, labels, batch, command.learningRate());
      long spent = System.nanoTime() - t0;
      compute += spent / 1e9;
      System.arraycopy(stepLosses, 0, losses, s * batch, batch);
      if (sleep && command.slowdown() > 1) {
        sleepNanos((long) (spent * (command.slowdown() - 1)));
      }
    }
    holdsState = true;
    RoundResult result = new RoundResult(rank, command.round(), compute, digest, indices, losses, trainer.readModel(),
        command.reportState() ? state(command.round() + 1, command.includeBuffers()) : null, rule.drainStats());
    observer.roundDone(command, result, (System.nanoTime() - wall0) / 1e9);
    return result;
  }

  /**
   * Loads the last average so this worker ends with the job's model; on a stop on request it also
   * hands in its state (taken before that load, so its own BatchNorm statistics are the ones saved).
   */
  @Override
  public RoundResult stop(RoundCommand stop) {
    WorkerState state = stop.reportState() ? state(stop.round(), stop.includeBuffers()) : null;
    trainer.loadModel(stop.model(), stop.includeBuffers());
    return RoundResult.stopped(rank, stop.round(), ModelDigest.of(trainer.readModel(), stop.includeBuffers() ? null : bufferMask),
        state);
  }

  @Override
  public boolean holdsState() {
    return holdsState;
  }

  /** This worker's state after {@code round} rounds: momentum, and its own BatchNorm statistics when they are not averaged. */
  private WorkerState state(long round, boolean includeBuffers) {
    float[] buffers = new float[0];
    if (!includeBuffers) {
      float[] model = trainer.readModel();
      buffers = new float[trainer.layout().bufferValues()];
      for (int i = 0, k = 0; i < model.length; i++) {
        if (bufferMask[i]) {
          buffers[k++] = model[i];
        }
      }
    }
    return new WorkerState(rank, round, trainer.optimizerState(), buffers);
  }

  /** Loads a saved state (after the round's model, so saved local BatchNorm statistics win over the loaded ones). */
  private void restore(WorkerState saved, long round) {
    trainer.loadOptimizerState(saved.optimizer());
    if (saved.localBuffers().length > 0) {
      float[] model = trainer.readModel();
      for (int i = 0, k = 0; i < model.length; i++) {
        if (bufferMask[i]) {
          model[i] = saved.localBuffers()[k++];
        }
      }
      trainer.loadModel(model, true);
    }
    holdsState = true;
    log.println("worker rank " + rank + ": restored its optimizer state of round " + saved.round() + " before round " + round
        + (saved.round() == round ? "" : " (" + (round - saved.round()) + " rounds old)"));
  }

  /** Sleeps out a simulated slowdown. */
  static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
