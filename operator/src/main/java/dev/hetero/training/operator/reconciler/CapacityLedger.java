package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.planner.WorkerDemand;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.model.Reservation;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The capacity this operator has promised to accepted plans, until their pods show up in the
 * informer cache. Planning is serialised on this object (see {@link JobPlanning}), so two jobs
 * reconciled at once cannot plan onto the same free GPUs.
 */
@ApplicationScoped
public class CapacityLedger {
  /** Long enough for a created pod to reach the cache; short enough that a lost create frees capacity. */
  static final Duration HOLD = Duration.ofMinutes(2);

  private final List<Reservation> reservations = new ArrayList<>();

  /** Replaces the job's reservations with one per planned worker. */
  public synchronized void reserve(String jobUid, String namespace, HeteroTrainingJobSpec spec, List<PlannedWorker> workers,
      Instant now) {
    reservations.removeIf(r -> r.jobUid().equals(jobUid) || r.expires().isBefore(now));
    Map<String, PoolSpec> pools = SpecDefaults.apply(spec).pools().stream()
        .collect(Collectors.toMap(PoolSpec::name, Function.identity()));
    for (PlannedWorker w : workers) {
      PoolSpec pool = pools.get(w.pool());
      if (pool != null) {
        reservations.add(new Reservation(jobUid, namespace, w.worker(), w.node(), WorkerDemand.of(pool), now.plus(HOLD)));
      }
    }
  }

  public synchronized void release(String jobUid) {
    reservations.removeIf(r -> r.jobUid().equals(jobUid));
  }

  public synchronized List<Reservation> snapshot() {
    return List.copyOf(reservations);
  }
}
