package dev.hetero.training.operator.reconciler;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this operator did to pods that its informer may not show yet: pods created but not seen,
 * and pods deleted but still listed. Without it, a reconcile that runs before the informer catches
 * up would create a second pod (or count a failure twice). Entries expire, so a lost event can
 * delay but never block a job.
 */
@ApplicationScoped
public class PodExpectations {
  static final Duration EXPIRY = Duration.ofMinutes(2);

  private final Map<String, Instant> created = new ConcurrentHashMap<>();
  private final Map<String, Instant> deleted = new ConcurrentHashMap<>();

  /** Key of a pod by namespace and name. */
  public static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  public void expectCreated(String podKey, Instant now) {
    created.put(podKey, now);
  }

  public void expectDeleted(String podUid, Instant now) {
    deleted.put(podUid, now);
  }

  /** A creation is pending when made recently and the pod has not shown up yet. */
  public boolean creationPending(String podKey, Instant now) {
    Instant at = created.get(podKey);
    if (at == null) {
      return false;
    }
    if (at.plus(EXPIRY).isBefore(now)) {
      created.remove(podKey);
      return false;
    }
    return true;
  }

  /** Forgets a creation (the pod is being deleted anyway, e.g. on suspend). */
  public void forgetCreated(String podKey) {
    created.remove(podKey);
  }

  public void observedPod(String podKey) {
    created.remove(podKey);
  }

  /** The informer still lists a pod this operator already deleted. */
  public boolean deletionPending(String podUid, Instant now) {
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

  public void observedGone(String podUid) {
    deleted.remove(podUid);
  }

  /** Drops expired entries (called now and then, so deleted jobs leave nothing behind). */
  public void prune(Instant now) {
    created.values().removeIf(at -> at.plus(EXPIRY).isBefore(now));
    deleted.values().removeIf(at -> at.plus(EXPIRY).isBefore(now));
  }

  int size() {
    return created.size() + deleted.size();
  }
}
