package dev.hetero.training.trainer.worker;

import dev.hetero.training.trainer.ascent.PerturbationLink;
import dev.hetero.training.trainer.ascent.Snapshot;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.round.AscentStats;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A training worker's asyncSAM step t: offer the model to the helper, take the newest
 * perturbation computed from step {@code t - tau} or later (waiting for one only when none that
 * fresh has arrived), and step from {@code w + epsilon}. Steps are counted over the whole run, so
 * across an averaging the first step of a round uses a perturbation of the worker's last local
 * model before the average; the helper gets the averaged model with that step's offer.
 *
 * <p>A helper that does not deliver within {@code waitLimit} is not waited for again until its
 * next perturbation arrives; meanwhile the steps run as plain SGD (counted as unperturbed). Step
 * numbers only identify models and measure ages (differences): a worker process numbers its
 * steps from a restart-safe origin.
 */
public final class AsyncSamStep implements StepRule {
  /** Long enough for a garbage collection or a slow transfer, short enough that a lost helper costs little. */
  public static final Duration WAIT_LIMIT = Duration.ofSeconds(5);

  private final PerturbationLink link;
  private final int staleness;
  private final Duration waitLimit;
  private final PrintStream log;
  private long step;
  private double lastStepSeconds;
  private double lastWaitSeconds;
  private boolean helperLate;
  private AscentStats round = AscentStats.NONE;

  public AsyncSamStep(PerturbationLink link, int staleness, Duration waitLimit, PrintStream log) {
    this(link, staleness, waitLimit, 0, log);
  }

  /**
   * @param firstStep the number of this worker's first step; a process that may be restarted
   *     takes a larger one each start (see {@link #restartSafeFirstStep}), so that its helper and
   *     the relay, which only take newer steps, follow it after a restart
   */
  public AsyncSamStep(PerturbationLink link, int staleness, Duration waitLimit, long firstStep, PrintStream log) {
    if (staleness < 0) {
      throw new IllegalArgumentException("staleness must be at least 0, got " + staleness);
    }
    this.step = firstStep;
    this.link = link;
    this.staleness = staleness;
    this.waitLimit = waitLimit;
    this.log = log;
  }

  @Override
  public float[] step(LocalTrainer trainer, float[] inputs, int[] labels, int batch, double learningRate) {
    long t0 = System.nanoTime();
    link.offer(new Snapshot(step, trainer.readModel(), lastStepSeconds, lastWaitSeconds));
    long minSource = Math.max(0, step - staleness);
    long w0 = System.nanoTime();
    PerturbationLink.Received received = link.await(minSource, helperLate ? Duration.ZERO : waitLimit);
    long w1 = System.nanoTime();
    float[] losses;
    AscentStats stats;
    if (received == null) {
      if (!helperLate) {
        log.println("asyncSAM: no perturbation from step " + minSource + " or later within " + waitLimit.toMillis()
            + " ms at step " + step + "; plain SGD steps until the helper delivers again");
      }
      helperLate = true;
      losses = trainer.trainStep(inputs, labels, batch, learningRate);
      stats = new AscentStats(0, 1, 0, 0, (w1 - w0) / 1e9, 0, 0, 0);
    } else {
      helperLate = false;
      var p = received.perturbation();
      losses = trainer.perturbedStep(inputs, labels, batch, learningRate, p.epsilon());
      long age = step - p.source();
      stats = new AscentStats(1, 0, age, age, received.waitedSeconds(), 0, p.batch(), p.utilisation());
    }
    // the wait (which in a simulated run includes the helper's own computation) is not the step's compute
    lastStepSeconds = link.chargedStepSeconds((System.nanoTime() - t0 - (w1 - w0)) / 1e9);
    lastWaitSeconds = stats.waitSeconds();
    round = round.plus(new AscentStats(stats.perturbed(), stats.unperturbed(), stats.ageSum(), stats.maxAge(),
        stats.waitSeconds(), lastStepSeconds, stats.perturbationBatch(), stats.helperUtilisation()));
    step++;
    return losses;
  }

  /**
   * A first step number larger than any a previous start of this worker reached: microseconds
   * since the epoch (a worker takes far less than a million steps a second).
   */
  public static long restartSafeFirstStep(java.time.Clock clock) {
    return clock.millis() * 1000;
  }

  @Override
  public void close() {
    link.close();
  }

  @Override
  public AscentStats drainStats() {
    AscentStats out = round;
    round = AscentStats.NONE;
    return out;
  }
}
