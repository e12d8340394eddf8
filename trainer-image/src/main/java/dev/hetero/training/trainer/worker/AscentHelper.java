package dev.hetero.training.trainer.worker;

import dev.hetero.training.trainer.algo.PerturbationBatchTuner;
import dev.hetero.training.trainer.algo.Perturbations;
import dev.hetero.training.trainer.ascent.AscentSource;
import dev.hetero.training.trainer.ascent.Perturbation;
import dev.hetero.training.trainer.ascent.Snapshot;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.engine.LocalTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * An asyncSAM helper: takes its partner's newest model, draws a batch of b_p samples of its own
 * (uniformly from the whole training set, seeded by the job's seed and the helper's rank), and
 * answers {@code epsilon = rho g/|g|} with g the loss gradient there; then the next model. With
 * b_p auto, {@link PerturbationBatchTuner} moves b_p so that one ascent (as slow as this worker
 * is: its simulated slowdown included) fits in the partner's descent step.
 */
public final class AscentHelper {
  private final int rank;
  private final LocalTrainer trainer;
  private final BatchAssembler train;
  private final double rho;
  private final PerturbationBatchTuner tuner;
  private final double slowdown;
  private final boolean sleep;
  private final PrintStream log;
  private final boolean[] bufferMask;
  private final SplittableRandom random;
  private float[] inputs = new float[0];
  private int[] labels = new int[0];
  private long ascents;
  private IntFunction<int[]> indices;
  private AscentObserver observer = (b, seconds, utilisation) -> {
  };

  /** Told about every ascent served (metrics): its batch, its seconds (slowdown included), the utilisation so far. */
  public interface AscentObserver {
    void ascended(int batch, double seconds, double utilisation);
  }

  public AscentHelper observer(AscentObserver o) {
    this.observer = o;
    return this;
  }

  /** One ascent's result and the compute it took (without any simulated slowdown). */
  public record Ascent(float[] epsilon, int batch, double computeSeconds) {
  }

  /**
   * @param sleep whether a simulated slowdown sleeps for real (wall clock) or is only charged
   */
  public AscentHelper(int rank, LocalTrainer trainer, BatchAssembler train, double rho, long seed, PerturbationBatchTuner tuner,
      double slowdown, boolean sleep, PrintStream log) {
    this.rank = rank;
    this.trainer = trainer;
    this.train = train;
    this.rho = rho;
    this.tuner = tuner;
    this.slowdown = slowdown;
    this.sleep = sleep;
    this.log = log;
    this.bufferMask = trainer.layout().bufferMask();
    this.random = new SplittableRandom(seed * 1_000_003L + 7919L * rank);
    this.indices = b -> random.ints(b, 0, train.data().size()).toArray();
  }

  public PerturbationBatchTuner tuner() {
    return tuner;
  }

  /**
   * Where the ascent batches' sample indices come from instead of the seeded uniform draw (given
   * b_p, it answers b_p indices): a test takes the descent's own batch to compare with SAM.
   */
  public AscentHelper indexSource(IntFunction<int[]> source) {
    this.indices = source;
    return this;
  }

  /** epsilon at the snapshot's model, from a fresh batch of b_p samples. */
  public Ascent ascend(Snapshot snapshot, int batch) {
    long t0 = System.nanoTime();
    if (batch > labels.length) {
      inputs = new float[batch * trainer.sampleSize()];
      labels = new int[batch];
    }
    train.fill(indices.apply(batch), 0, batch, inputs, labels, random.split());
    trainer.loadModel(snapshot.model(), true);
    float[] epsilon = Perturbations.epsilon(trainer.lossGradient(inputs, labels, batch), rho, bufferMask);
    ascents++;
    return new Ascent(epsilon, batch, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Serves the partner until the run is over: ascend from every newer snapshot, sleep out the
   * simulated slowdown when asked to, let the tuner re-size b_p, hand the result in.
   */
  public void serve(AscentSource source) throws IOException {
    long start = System.nanoTime();
    long busy = 0;
    Perturbation previous = null;
    long after = -1;
    while (true) {
      Snapshot snapshot = source.next(after, previous);
      if (snapshot == null) {
        log.println("helper rank " + rank + ": done after " + ascents + " ascents");
        return;
      }
      long t0 = System.nanoTime();
      Ascent a = ascend(snapshot, tuner.batch());
      if (sleep && slowdown > 1) {
        RoundExecutor.sleepNanos((long) (a.computeSeconds() * (slowdown - 1) * 1e9));
      }
      busy += System.nanoTime() - t0;
      double charged = a.computeSeconds() * slowdown;
      if (tuner.observe(a.batch(), charged, snapshot.stepSeconds(), snapshot.waitSeconds())) {
        log.println("helper rank " + rank + ": " + tuner.lastChange());
      }
      previous = new Perturbation(snapshot.step(), a.epsilon(), a.batch(), charged,
          busy / (double) Math.max(1, System.nanoTime() - start));
      observer.ascended(a.batch(), charged, previous.utilisation());
      after = snapshot.step();
    }
  }
}
