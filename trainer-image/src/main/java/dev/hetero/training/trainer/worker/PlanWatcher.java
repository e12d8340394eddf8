package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches the mounted plan file (a ConfigMap volume: updated in place by the kubelet) for a live
 * re-plan. Polled at round boundaries, reading the file at most once per {@code minIntervalMs};
 * a plan counts as new only when its planVersion grew. An unreadable or half-updated file is
 * ignored until the next poll.
 */
public final class PlanWatcher {
  private final Path file;
  private final long minIntervalNanos;
  private final PrintStream log;
  private long version;
  private long lastRead;
  private String lastProblem;

  public PlanWatcher(Path file, long currentVersion, long minIntervalMs, PrintStream log) {
    this.file = file;
    this.version = currentVersion;
    this.minIntervalNanos = minIntervalMs * 1_000_000L;
    this.log = log;
    this.lastRead = System.nanoTime();
  }

  public long version() {
    return version;
  }

  /** The new plan if its version grew since the last one seen, else null. */
  public PlanDocument poll() {
    long now = System.nanoTime();
    if (now - lastRead < minIntervalNanos) {
      return null;
    }
    lastRead = now;
    try {
      PlanDocument plan = PlanCodec.fromJson(Files.readString(file));
      lastProblem = null;
      if (plan.planVersion() > version) {
        version = plan.planVersion();
        return plan;
      }
    } catch (IOException | RuntimeException e) {
      String problem = e.getMessage();
      if (!String.valueOf(problem).equals(lastProblem)) {
        log.println("plan: cannot read " + file + " (" + problem + "); keeping plan version " + version);
        lastProblem = problem;
      }
    }
    return null;
  }
}
