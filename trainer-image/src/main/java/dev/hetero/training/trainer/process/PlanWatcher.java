package dev.hetero.training.trainer.process;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.trainer.coordinator.PlanSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Watches the mounted plan file (a ConfigMap volume: updated in place by the kubelet) for a live
 * re-plan. Polled by the coordinator at round boundaries, reading the file at most once per
 * {@code minInterval} of the clock; a plan counts as new only when its planVersion grew. An
 * unreadable or half-updated file is ignored until the next poll.
 */
public final class PlanWatcher implements PlanSource {
  private final Path file;
  private final Duration minInterval;
  private final Clock clock;
  private final PrintStream log;
  private long version;
  private Instant lastRead;
  private String lastProblem;

  public PlanWatcher(Path file, long currentVersion, Duration minInterval, Clock clock, PrintStream log) {
    this.file = file;
    this.version = currentVersion;
    this.minInterval = minInterval;
    this.clock = clock;
    this.log = log;
    this.lastRead = clock.instant();
  }

  @Override
  public Optional<PlanDocument> poll() {
    Instant now = clock.instant();
    if (now.isBefore(lastRead.plus(minInterval))) {
      return Optional.empty();
    }
    lastRead = now;
    try {
      PlanDocument plan = PlanCodec.fromJson(Files.readString(file));
      lastProblem = null;
      if (plan.planVersion() > version) {
        version = plan.planVersion();
        return Optional.of(plan);
      }
    } catch (IOException | RuntimeException e) {
      String problem = e.getMessage();
      if (!String.valueOf(problem).equals(lastProblem)) {
        log.println("plan: cannot read " + file + " (" + problem + "); keeping plan version " + version);
        lastProblem = problem;
      }
    }
    return Optional.empty();
  }
}
