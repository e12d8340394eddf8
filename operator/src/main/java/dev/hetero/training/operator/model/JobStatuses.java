package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.CoordinatorStatus;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.PoolStatus;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the operator's part of the status (never {@code training} or {@code workers}, which
 * belong to the trainer's field manager). Pure, so "did anything change?" is a record equality.
 */
public final class JobStatuses {
  private JobStatuses() {
  }

  /** The operator-owned fields of a status; the trainer's are dropped. */
  public static HeteroTrainingJobStatus operatorPart(HeteroTrainingJobStatus s) {
    if (s == null) {
      return null;
    }
    return new HeteroTrainingJobStatus(s.observedGeneration(), s.phase(), s.conditions(), s.plan(), s.pools(),
        s.workersReady(), null, null, s.startTime(), s.completionTime(), s.restartCount(), s.restarts(), s.assignments(),
        s.coordinator());
  }

  /**
   * Everything the operator decided in one reconcile, before times and generations are attached.
   * {@code blocked} is what keeps the job from progressing (null when nothing does).
   */
  public record Facts(PhaseCalculator.Verdict verdict, List<PlannedWorker> plan, List<PoolStatus> pools,
      String workersReady, String startTime, String completionTime, List<RestartRecord> restarts, Problem blocked,
      PhaseCalculator.Health health, List<String> assignments, CoordinatorStatus coordinator) {

    /** Facts of the phase alone: no health beyond it, no describe table, no coordinator record. */
    public Facts(PhaseCalculator.Verdict verdict, List<PlannedWorker> plan, List<PoolStatus> pools, String workersReady,
        String startTime, String completionTime, List<RestartRecord> restarts, Problem blocked) {
      this(verdict, plan, pools, workersReady, startTime, completionTime, restarts, blocked,
          PhaseCalculator.Health.of(verdict.phase()), null, null);
    }
  }

  public static HeteroTrainingJobStatus next(HeteroTrainingJobStatus previous, Facts facts, long generation, Instant now) {
    var conditions = Conditions.merge(previous == null ? null : previous.conditions(),
        PhaseCalculator.conditionsFor(facts.verdict(), facts.blocked(), facts.health()), generation, now);
    List<RestartRecord> restarts = facts.restarts() == null || facts.restarts().isEmpty() ? null : facts.restarts();
    int restartCount = restartCount(restarts);
    return new HeteroTrainingJobStatus(generation, facts.verdict().phase(), conditions,
        facts.plan() == null || facts.plan().isEmpty() ? null : facts.plan(),
        facts.pools() == null || facts.pools().isEmpty() ? null : facts.pools(),
        facts.workersReady(), null, null, facts.startTime(), facts.completionTime(), restartCount, restarts,
        facts.assignments() == null || facts.assignments().isEmpty() ? null : facts.assignments(), facts.coordinator());
  }

  /** Per-pool counts in spec order: planned, ready, failed workers and planned capacity. */
  public static List<PoolStatus> pools(HeteroTrainingJobSpec spec, List<PlannedWorker> plan,
      Map<String, WorkerPodState> podsByWorker) {
    List<PoolStatus> pools = new ArrayList<>();
    if (spec.pools() == null) {
      return pools;
    }
    for (PoolSpec pool : spec.pools()) {
      int planned = 0;
      int ready = 0;
      int failed = 0;
      double capacity = 0;
      for (PlannedWorker w : plan == null ? List.<PlannedWorker>of() : plan) {
        if (!w.pool().equals(pool.name())) {
          continue;
        }
        planned++;
        capacity += w.capacity() == null ? 0 : w.capacity();
        WorkerPodState state = podsByWorker.get(w.worker());
        if (state != null && state.kind() == WorkerPodState.Kind.RUNNING && state.ready()) {
          ready++;
        }
        if (state != null && state.kind() == WorkerPodState.Kind.FAILED) {
          failed++;
        }
      }
      pools.add(new PoolStatus(pool.name(), pool.deviceClass(), planned, ready, failed, Math.round(capacity * 1e6) / 1e6));
    }
    return pools;
  }

  /** "ready/planned" for the Workers printer column. */
  public static String workersReady(List<PoolStatus> pools) {
    int ready = pools.stream().mapToInt(PoolStatus::ready).sum();
    int planned = pools.stream().mapToInt(PoolStatus::planned).sum();
    return ready + "/" + planned;
  }

  /** The restart ledger with one more restart for {@code reason}, at {@code now}. */
  public static List<RestartRecord> recordRestart(List<RestartRecord> previous, String reason, String worker, Instant now) {
    List<RestartRecord> result = new ArrayList<>();
    boolean found = false;
    for (RestartRecord r : previous == null ? List.<RestartRecord>of() : previous) {
      if (r.reason().equals(reason)) {
        result.add(new RestartRecord(reason, r.count() + 1, worker, now.toString()));
        found = true;
      } else {
        result.add(r);
      }
    }
    if (!found) {
      result.add(new RestartRecord(reason, 1, worker, now.toString()));
    }
    return result;
  }

  /**
   * Restarts counted against backoffLimit (and doubling the backoff): every reason but Kueue's
   * evictions, which take the whole group back for another job and are not the workers' fault.
   */
  public static int restartCount(List<RestartRecord> restarts) {
    return restarts == null ? 0 : restarts.stream().filter(r -> !NOT_FAILURES.contains(r.reason()))
        .mapToInt(RestartRecord::count).sum();
  }

  /** Restart reasons that are not failures: the group was evicted by Kueue (preempted or otherwise). */
  public static final java.util.Set<String> NOT_FAILURES = java.util.Set.of(WorkerPodState.REASON_PREEMPTED,
      WorkerPodState.REASON_EVICTED_BY_KUEUE);
}
