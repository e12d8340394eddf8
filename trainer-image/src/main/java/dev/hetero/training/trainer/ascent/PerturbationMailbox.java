package dev.hetero.training.trainer.ascent;

import java.time.Duration;

/**
 * One asyncSAM pair's meeting point in memory: it holds the newest snapshot of the training
 * worker for the helper and the newest perturbation of the helper for the worker, and wakes
 * whoever waits for them. Older offers are overwritten: a helper always ascends from the
 * freshest model, and a worker always takes the freshest perturbation. Thread-safe.
 */
public final class PerturbationMailbox implements PerturbationLink, AscentSource {
  private Snapshot snapshot;
  private Perturbation perturbation;
  private boolean stopped;

  @Override
  public synchronized void offer(Snapshot s) {
    if (snapshot == null || s.step() > snapshot.step()) {
      snapshot = s;
      notifyAll();
    }
  }

  /** A perturbation from the helper; kept when it is newer than the one held. */
  public synchronized void post(Perturbation p) {
    if (perturbation == null || p.source() > perturbation.source()) {
      perturbation = p;
      notifyAll();
    }
  }

  /** The newest snapshot when it is newer than step {@code after}, waiting at most {@code park}; null otherwise. */
  public synchronized Snapshot takeSnapshot(long after, Duration park) {
    long deadline = System.nanoTime() + park.toNanos();
    while (!stopped && (snapshot == null || snapshot.step() <= after)) {
      if (!waitUntil(deadline)) {
        return null;
      }
    }
    return stopped ? null : snapshot;
  }

  /** The newest perturbation computed from {@code minSource} or later, waiting at most {@code wait}; null otherwise. */
  public synchronized Perturbation newest(long minSource, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!stopped && (perturbation == null || perturbation.source() < minSource)) {
      if (!waitUntil(deadline)) {
        return null;
      }
    }
    return perturbation != null && perturbation.source() >= minSource ? perturbation : null;
  }

  @Override
  public Received await(long minSource, Duration limit) {
    long t0 = System.nanoTime();
    Perturbation p = newest(minSource, limit);
    return p == null ? null : new Received(p, (System.nanoTime() - t0) / 1e9);
  }

  @Override
  public Snapshot next(long after, Perturbation previous) {
    if (previous != null) {
      post(previous);
    }
    while (true) {
      Snapshot s = takeSnapshot(after, Duration.ofSeconds(1));
      if (s != null || stopped()) {
        return s;
      }
    }
  }

  /** The run is over: waiting helpers and workers are let go, and get nothing more. */
  public synchronized void stop() {
    stopped = true;
    notifyAll();
  }

  public synchronized boolean stopped() {
    return stopped;
  }

  /** Waits until notified or the deadline; false when the deadline passed. */
  private boolean waitUntil(long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    try {
      wait(left / 1_000_000, (int) (left % 1_000_000));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
