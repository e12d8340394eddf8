package dev.hetero.training.trainer.bench;

import dev.hetero.training.trainer.algo.AscentTimeline;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.ascent.Perturbation;
import dev.hetero.training.trainer.ascent.PerturbationLink;
import dev.hetero.training.trainer.ascent.Snapshot;
import dev.hetero.training.trainer.worker.AscentHelper;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The asyncSAM pair of a simulated run: the helper is an {@link AscentHelper} in this process
 * (so the perturbations are the real ones), and {@link AscentTimeline} decides on the virtual
 * clock which of the worker's models it ascends from and when each perturbation is ready. The
 * worker's steps cost {@code stepSeconds} each, an ascent of b samples
 * {@code ascentCosts(b) x helperSlowdown}; the worker's clock here is its own steps and waits
 * (time it spends at an averaging barrier is not given to the helper: a conservative choice).
 */
final class SimulatedAscentLink implements PerturbationLink, AscentTimeline.Helper {
  private final AscentHelper helper;
  private final StepCostModel ascentCosts;
  private final double helperSlowdown;
  private final double stepSeconds;
  private final AscentTimeline timeline = new AscentTimeline(this);
  private final Map<Long, float[]> models = new HashMap<>();
  private final Map<Long, Perturbation> started = new HashMap<>();
  private Perturbation ready;
  private double now = -1;
  private double lastWait;
  private double busy;

  SimulatedAscentLink(AscentHelper helper, StepCostModel ascentCosts, double helperSlowdown, double stepSeconds) {
    this.helper = helper;
    this.ascentCosts = ascentCosts;
    this.helperSlowdown = helperSlowdown;
    this.stepSeconds = stepSeconds;
  }

  @Override
  public void offer(Snapshot snapshot) {
    now = now < 0 ? 0 : now + lastWait + stepSeconds;
    models.put(snapshot.step(), snapshot.model());
    timeline.publish(snapshot.step(), now);
  }

  @Override
  public Received await(long minSource, Duration limit) {
    AscentTimeline.Ready r = timeline.await(minSource, now);
    if (r == null) {
      return null;
    }
    lastWait = Math.max(0, r.readyAt() - now);
    return new Received(ready, lastWait);
  }

  @Override
  public double chargedStepSeconds(double measured) {
    return stepSeconds;
  }

  @Override
  public double start(long step) {
    float[] model = models.remove(step);
    models.keySet().removeIf(s -> s < step);
    int b = helper.tuner().batch();
    AscentHelper.Ascent a = helper.ascend(new Snapshot(step, model, stepSeconds), b);
    double seconds = ascentCosts.stepSeconds(b) * helperSlowdown;
    started.put(step, new Perturbation(step, a.epsilon(), b, seconds, 0));
    return seconds;
  }

  @Override
  public void finished(long step, double at) {
    Perturbation p = started.remove(step);
    busy += p.ascentSeconds();
    helper.tuner().observe(p.batch(), p.ascentSeconds(), stepSeconds, lastWait);
    ready = new Perturbation(step, p.epsilon(), p.batch(), p.ascentSeconds(), at > 0 ? Math.min(1, busy / at) : 1);
  }
}
