package dev.hetero.training.operator.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What to do about failed workers, pure: restart those whose backoff has elapsed, wait for the
 * others, or fail the job once restarts would exceed {@code backoffLimit}. Only the failed
 * workers are touched; the others keep training.
 */
public final class RestartDecider {
  private RestartDecider() {
  }

  public record FailedWorker(String worker, String podUid, String reason, Instant failedAt) {
  }

  public record Restart(FailedWorker worker) {
  }

  /**
   * @param restarts restarts to perform now, oldest failure first
   * @param waitUntil when the next waiting failure becomes due
   * @param giveUp set when the limit is exceeded: the job fails with this message
   */
  public record Decision(List<Restart> restarts, Optional<Instant> waitUntil, Optional<String> giveUp) {
  }

  public static Decision decide(List<FailedWorker> failed, int restartsSoFar, int backoffLimit, RestartPolicy policy,
      Instant now) {
    List<FailedWorker> ordered = new ArrayList<>(failed);
    ordered.sort(Comparator.comparing(FailedWorker::failedAt).thenComparing(FailedWorker::worker));
    List<Restart> restarts = new ArrayList<>();
    int count = restartsSoFar;
    Instant wait = null;
    for (FailedWorker f : ordered) {
      if (policy.limitExceeded(count, backoffLimit)) {
        return new Decision(List.of(), Optional.empty(), Optional.of("worker " + f.worker() + " failed (" + f.reason()
            + ") after " + count + " restart(s); runPolicy.backoffLimit is " + backoffLimit));
      }
      Duration delay = policy.delay(count);
      Instant due = f.failedAt().plus(delay);
      if (!due.isAfter(now)) {
        restarts.add(new Restart(f));
        count++;
      } else if (wait == null || due.isBefore(wait)) {
        wait = due;
      }
    }
    return new Decision(restarts, Optional.ofNullable(wait), Optional.empty());
  }
}
