package dev.hetero.training.trainer.algo;

import java.util.ArrayList;
import java.util.List;

/**
 * When an asyncSAM helper's perturbations are ready, on a virtual clock: the simulated fast/slow
 * pair of a simulated run, deterministic for given costs. Pure (the helper is a callback).
 *
 * <p>The helper works without pause: whenever it is free it takes the newest model its partner
 * has published and is busy for as long as {@link Helper#start} says; if nothing newer than
 * what it last took has been published, it idles until the next publication and takes that.
 * The partner publishes its model at the start of every step and then asks for the newest
 * finished perturbation computed from step {@code minSource} or later; when none is finished
 * yet, it waits until the first that is (it publishes nothing meanwhile).
 */
public final class AscentTimeline {

  /** The helper of the pair. */
  public interface Helper {
    /** Starts an ascent from the model published at {@code step}; returns its virtual duration in seconds. */
    double start(long step);

    /** The ascent from {@code step} finished at virtual time {@code at}. */
    void finished(long step, double at);
  }

  /** A finished perturbation: the step it was computed from and when it was ready. */
  public record Ready(long source, double readyAt) {
  }

  private record Publication(long step, double at) {
  }

  private record Job(long source, double ready) {
  }

  private final Helper helper;
  private final List<Publication> published = new ArrayList<>();
  private int taken = -1;
  private double free;
  private Job current;
  private Job done;

  public AscentTimeline(Helper helper) {
    this.helper = helper;
  }

  /** The partner's model of {@code step}, published at virtual time {@code at} (both increasing). */
  public void publish(long step, double at) {
    Publication last = published.isEmpty() ? null : published.get(published.size() - 1);
    if (last != null && (step <= last.step() || at < last.at())) {
      throw new IllegalArgumentException("publications must go forward: step " + step + " at " + at + " after step "
          + last.step() + " at " + last.at());
    }
    published.add(new Publication(step, at));
  }

  /**
   * The newest perturbation from {@code minSource} or later for a step starting at {@code now}:
   * ready at or before {@code now} (no wait), or the first to finish after it (the partner waits
   * until {@code readyAt}). Null when the helper has nothing left that could deliver one.
   */
  public Ready await(long minSource, double now) {
    advance(now);
    while (done == null || done.source() < minSource) {
      if (current == null && !startNext(Double.POSITIVE_INFINITY)) {
        return null;
      }
      finishCurrent();
    }
    return new Ready(done.source(), done.ready());
  }

  /** Processes the helper's events up to virtual time {@code until}. */
  private void advance(double until) {
    while (true) {
      if (current != null) {
        if (current.ready() > until) {
          return;
        }
        finishCurrent();
      }
      if (!startNext(until)) {
        return;
      }
    }
  }

  /** The idle helper takes the newest publication it has not taken, starting no later than {@code until}. */
  private boolean startNext(double until) {
    int newest = -1;
    for (int i = published.size() - 1; i > taken; i--) {
      if (published.get(i).at() <= free) {
        newest = i;
        break;
      }
    }
    double startAt = free;
    if (newest < 0) {
      if (taken + 1 >= published.size() || published.get(taken + 1).at() > until) {
        return false;
      }
      newest = taken + 1;
      startAt = published.get(newest).at();
    }
    taken = newest;
    long step = published.get(newest).step();
    current = new Job(step, startAt + helper.start(step));
    return true;
  }

  private void finishCurrent() {
    done = current;
    free = current.ready();
    current = null;
    helper.finished(done.source(), done.ready());
    published.subList(0, Math.max(0, taken)).clear(); // older publications can never be taken again
    taken = Math.min(taken, 0);
  }
}
