package dev.hetero.training.operator.model;

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
        s.workersReady(), null, null, s.startTime(), s.completionTime(), s.restartCount(), s.restarts());
  }

  /** Everything the operator decided in one reconcile, before times and generations are attached. */
  public record Facts(PhaseCalculator.Verdict verdict, List<PlannedWorker> plan, List<PoolStatus> pools,
      String workersReady, String startTime, String completionTime, List<RestartRecord> restarts) {
  }

  public static HeteroTrainingJobStatus next(HeteroTrainingJobStatus previous, Facts facts, long generation, Instant now) {
    var conditions = Conditions.merge(previous == null ? null : previous.conditions(),
        PhaseCalculator.conditionsFor(facts.verdict()), generation, now);
    List<RestartRecord> restarts = facts.restarts() == null || facts.restarts().isEmpty() ? null : facts.restarts();
    int restartCount = restarts == null ? 0 : restarts.stream().mapToInt(RestartRecord::count).sum();
    return new HeteroTrainingJobStatus(generation, facts.verdict().phase(), conditions,
        facts.plan() == null || facts.plan().isEmpty() ? null : facts.plan(),
        facts.pools() == null || facts.pools().isEmpty() ? null : facts.pools(),
        facts.workersReady(), null, null, facts.startTime(), facts.completionTime(), restartCount, restarts);
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

  /** The restart ledger with one more restart for {@code reason}. */
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

  public static int restartCount(List<RestartRecord> restarts) {
    return restarts == null ? 0 : restarts.stream().mapToInt(RestartRecord::count).sum();
  }
}
