package dev.hetero.training.operator.metrics;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PoolStatus;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Domain metrics (Prometheus names in brackets):
 * jobs by phase [hetero_jobs], time from creation to Running [hetero_time_to_running_seconds],
 * worker restarts by reason [hetero_worker_restarts_total], re-plans by cause [hetero_replans_total],
 * planned capacity and workers per pool [hetero_planned_capacity, hetero_planned_workers].
 * Gauges read the job cache, so deleted jobs disappear from them without bookkeeping.
 */
@ApplicationScoped
public class JobMetrics {
  @Inject
  MeterRegistry registry;

  /** For use outside CDI (tests, the benchmark). */
  public static JobMetrics forRegistry(MeterRegistry registry) {
    JobMetrics metrics = new JobMetrics();
    metrics.registry = registry;
    return metrics;
  }

  private final AtomicReference<IndexerResourceCache<HeteroTrainingJob>> jobs = new AtomicReference<>();
  private final java.util.Map<String, List<PoolStatus>> plannedPools = new java.util.TreeMap<>();
  private MultiGauge poolCapacity;
  private MultiGauge poolWorkers;
  private Timer timeToRunning;

  /** Called once the job cache exists (when the controller's event sources are prepared). */
  public synchronized void bind(IndexerResourceCache<HeteroTrainingJob> cache) {
    if (jobs.getAndSet(cache) != null) {
      return;
    }
    for (JobPhase phase : JobPhase.values()) {
      Gauge.builder("hetero.jobs", jobs, ref -> count(ref.get(), phase))
          .description("HeteroTrainingJobs by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    poolCapacity = MultiGauge.builder("hetero.planned.capacity")
        .description("Planned relative capacity per job and pool").register(registry);
    poolWorkers = MultiGauge.builder("hetero.planned.workers")
        .description("Planned workers per job and pool").register(registry);
    timeToRunning = Timer.builder("hetero.time.to.running")
        .description("Time from a job's creation to its Running phase")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1))
        .maximumExpectedValue(Duration.ofHours(2))
        .register(registry);
  }

  public void jobRunning(Duration sinceCreation) {
    if (timeToRunning != null && !sinceCreation.isNegative()) {
      timeToRunning.record(sinceCreation);
    }
  }

  /**
   * One reconcile concluded, by the phase it left the job in. JOSDK's own reconcile timers are not
   * exported by the packaged operator (only under the test profile), so this is the count the e2e
   * tests and dashboards rely on.
   */
  public void reconciled(JobPhase phase) {
    Counter.builder("hetero.reconciles").description("Reconciles concluded, by the phase they left the job in")
        .tag("phase", phase == null ? "None" : phase.name()).register(registry).increment();
  }

  public void workerRestarted(String reason) {
    Counter.builder("hetero.worker.restarts").description("Worker pods recreated, by reason").tag("reason", reason)
        .register(registry).increment();
  }

  public void replanned(String cause) {
    Counter.builder("hetero.replans").description("Re-plans of running jobs, by cause").tag("cause", cause)
        .register(registry).increment();
  }

  /** Records a job's planned pools (after a status write) and refreshes the per-pool gauges. */
  public synchronized void plannedPools(HeteroTrainingJob job, List<PoolStatus> pools) {
    if (poolCapacity == null) {
      return;
    }
    String key = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    if (pools == null || pools.isEmpty()) {
      plannedPools.remove(key);
    } else {
      plannedPools.put(key, pools);
    }
    refreshPoolGauges();
  }

  /** Drops jobs that no longer exist (called from the reconciler's periodic prune). */
  public synchronized void retainJobs(java.util.Set<String> namespaceSlashNames) {
    if (plannedPools.keySet().retainAll(namespaceSlashNames)) {
      refreshPoolGauges();
    }
  }

  private void refreshPoolGauges() {
    List<MultiGauge.Row<?>> capacity = new ArrayList<>();
    List<MultiGauge.Row<?>> workers = new ArrayList<>();
    plannedPools.forEach((key, pools) -> {
      String[] nsName = key.split("/", 2);
      for (PoolStatus pool : pools) {
        Tags tags = Tags.of("namespace", nsName[0], "job", nsName[1], "pool", pool.name(),
            "device_class", pool.deviceClass() == null ? "" : pool.deviceClass().wireName());
        capacity.add(MultiGauge.Row.of(tags, pool.capacity() == null ? 0 : pool.capacity()));
        workers.add(MultiGauge.Row.of(tags, pool.planned() == null ? 0 : pool.planned()));
      }
    });
    poolCapacity.register(capacity, true);
    poolWorkers.register(workers, true);
  }

  private static double count(IndexerResourceCache<HeteroTrainingJob> cache, JobPhase phase) {
    if (cache == null) {
      return 0;
    }
    return cache.list().filter(j -> j.getStatus() != null ? j.getStatus().phase() == phase : phase == JobPhase.Pending)
        .count();
  }
}
