package dev.hetero.training.operator.reconciler;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pods this operator deleted that its informer may still list (by UID). Without it, a reconcile
 * that runs before the informer caught up would restart a failed worker twice, or count its
 * failure twice. Entries expire, so a lost event can delay but never block a job.
 *
 * <p>The other half of the old bookkeeping, pods created but not yet seen, is gone: pods are
 * created through JOSDK's {@code resourceOperations().create(pod, informer)}, which puts the
 * created pod into the informer's cache at once.
 */
@ApplicationScoped
public class PodDeletions {
  static final Duration EXPIRY = Duration.ofMinutes(2);

  private final Map<String, Instant> deleted = new ConcurrentHashMap<>();
  /** namespace/name of pods this operator deleted, so a pod gone for another reason can be told apart. */
  private final Map<String, Instant> deletedNames = new ConcurrentHashMap<>();

  /** When the operator first saw a disruption that carries no time of its own (a vanished pod, a deleted node). */
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

  /** The first time this key was seen (now, the first time): where a disruption's backoff counts from. */
  public Instant firstSeen(String key, Instant now) {
    return firstSeen.computeIfAbsent(key, k -> now);
  }

  /** The disruption of this key is over (its pod exists again). */
  public void forget(String key) {
    firstSeen.remove(key);
  }

  public void deleted(String podUid, String namespacedName, Instant now) {
    deleted.put(podUid, now);
    deletedNames.put(namespacedName, now);
  }

  /**
   * This operator deleted a pod of this name within the expiry. False for a pod someone else deleted
   * (a user, an eviction, the garbage collector of another owner): its replacement is then counted.
   * After an operator restart the memory is empty; a pod deleted by the previous instance in the
   * moment before it stopped would be counted once more (a window of one reconcile).
   */
  public boolean deletedByUs(String namespacedName, Instant now) {
    Instant at = deletedNames.get(namespacedName);
    return at != null && !at.plus(EXPIRY).isBefore(now);
  }

  /** The informer still lists a pod this operator already deleted. */
  public boolean pending(String podUid, Instant now) {
    Instant at = deleted.get(podUid);
    if (at == null) {
      return false;
    }
    if (at.plus(EXPIRY).isBefore(now)) {
      deleted.remove(podUid);
      return false;
    }
    return true;
  }

  /** Drops expired entries (called now and then, so deleted jobs leave nothing behind). */
  public void prune(Instant now) {
    deleted.values().removeIf(at -> at.plus(EXPIRY).isBefore(now));
    deletedNames.values().removeIf(at -> at.plus(EXPIRY).isBefore(now));
    firstSeen.values().removeIf(at -> at.plus(Duration.ofHours(1)).isBefore(now));
  }

  int size() {
    return deleted.size();
  }
}
