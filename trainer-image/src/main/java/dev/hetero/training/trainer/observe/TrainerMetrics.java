package dev.hetero.training.trainer.observe;

import dev.hetero.training.trainer.net.TransportMeter;
import dev.hetero.training.trainer.round.AscentStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/**
 * The worker's Prometheus series (names fixed: the Grafana dashboard expects them), served on
 * HTJ_METRICS_PORT. Labels: job and worker; accuracy only on the coordinator, labelled by job.
 */
public final class TrainerMetrics implements TransportMeter, AutoCloseable {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final String job;
  private final String worker;
  private final Counter steps;
  private final Gauge samplesPerSecond;
  private final Gauge loss;
  private final Gauge accuracy;
  private final Histogram roundSeconds;
  private final Counter bytesSent;
  private final Counter bytesReceived;
  private final Histogram aggregationWait;
  private final Counter perturbedSteps;
  private final Counter unperturbedSteps;
  private final Counter perturbationWait;
  private final Gauge perturbationAge;
  private final Gauge perturbationBatch;
  private final Gauge helperUtilisation;
  private final Counter ascents;
  private final Histogram ascentSeconds;
  private final Gauge deviceFallback;
  private HTTPServer server;
  private final java.util.concurrent.atomic.AtomicLong sentTotal = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong receivedTotal = new java.util.concurrent.atomic.AtomicLong();

  public TrainerMetrics(String job, String worker) {
    this.job = job;
    this.worker = worker;
    steps = Counter.builder().name("hetero_trainer_steps_total").help("SGD steps run by this worker")
        .labelNames("job", "worker").register(registry);
    samplesPerSecond = Gauge.builder().name("hetero_trainer_samples_per_second")
        .help("Training samples per second of this worker over its last round").labelNames("job", "worker").register(registry);
    loss = Gauge.builder().name("hetero_trainer_loss").help("Mean training loss of this worker's last round")
        .labelNames("job", "worker").register(registry);
    accuracy = Gauge.builder().name("hetero_trainer_accuracy")
        .help("Test accuracy (0..1) of the averaged model at the last evaluation (coordinator only)").labelNames("job")
        .register(registry);
    roundSeconds = Histogram.builder().name("hetero_trainer_round_seconds").help("Wall time of one round on this worker")
        .labelNames("job", "worker").register(registry);
    bytesSent = Counter.builder().name("hetero_trainer_bytes_sent_total").help("Data-plane payload bytes sent")
        .labelNames("job", "worker").register(registry);
    bytesReceived = Counter.builder().name("hetero_trainer_bytes_received_total").help("Data-plane payload bytes received")
        .labelNames("job", "worker").register(registry);
    aggregationWait = Histogram.builder().name("hetero_trainer_aggregation_wait_seconds")
        .help("Time waiting for the other workers and the average in a round").labelNames("job", "worker").register(registry);
    perturbedSteps = counter("hetero_trainer_perturbed_steps_total", "asyncSAM steps that applied a helper's perturbation");
    unperturbedSteps = counter("hetero_trainer_unperturbed_steps_total",
        "asyncSAM steps run as plain SGD because no fresh enough perturbation came within the wait limit");
    perturbationWait = counter("hetero_trainer_perturbation_wait_seconds_total",
        "Time an asyncSAM worker spent waiting for perturbations");
    perturbationAge = gauge("hetero_trainer_perturbation_age_steps",
        "Mean age in steps of the perturbations an asyncSAM worker applied in its last round");
    perturbationBatch = gauge("hetero_trainer_perturbation_batch", "Perturbation batch b_p (helper: current; worker: latest received)");
    helperUtilisation = gauge("hetero_trainer_helper_utilisation", "Share of an asyncSAM helper's time spent computing ascents");
    ascents = counter("hetero_trainer_ascents_total", "Perturbations an asyncSAM helper computed");
    ascentSeconds = Histogram.builder().name("hetero_trainer_ascent_seconds")
        .help("Time of one ascent on an asyncSAM helper (simulated slowdown included)").labelNames("job", "worker")
        .register(registry);
    deviceFallback = gauge("hetero_trainer_device_fallback",
        "1 when this GPU worker found no CUDA device and trains on the CPU (its pool's deviceFallback is cpu), else 0");
  }

  /** Whether this worker trains on the CPU instead of the GPU it asked for. */
  public void deviceFallback(boolean fellBack) {
    deviceFallback.labelValues(job, worker).set(fellBack ? 1 : 0);
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).labelNames("job", "worker").register(registry);
  }

  private Gauge gauge(String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames("job", "worker").register(registry);
  }

  /** Serves /metrics on the port (0: any free port); returns the bound port. */
  public int serve(int port) throws IOException {
    server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
    return server.getPort();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** A round of an asyncSAM worker: what it saw of its helper (null for the other rules). */
  public void round(int stepCount, int samples, double computeSeconds, double roundWallSeconds, double meanLoss,
      AscentStats ascent) {
    round(stepCount, samples, computeSeconds, roundWallSeconds, meanLoss);
    if (ascent == null) {
      return;
    }
    perturbedSteps.labelValues(job, worker).inc(ascent.perturbed());
    unperturbedSteps.labelValues(job, worker).inc(ascent.unperturbed());
    perturbationWait.labelValues(job, worker).inc(ascent.waitSeconds());
    if (ascent.perturbed() > 0) {
      perturbationAge.labelValues(job, worker).set(ascent.meanAge());
      perturbationBatch.labelValues(job, worker).set(ascent.perturbationBatch());
      helperUtilisation.labelValues(job, worker).set(ascent.helperUtilisation());
    }
  }

  /** An asyncSAM helper served one ascent. */
  public void ascent(int batch, double seconds, double utilisation) {
    ascents.labelValues(job, worker).inc();
    ascentSeconds.labelValues(job, worker).observe(seconds);
    perturbationBatch.labelValues(job, worker).set(batch);
    helperUtilisation.labelValues(job, worker).set(utilisation);
  }

  public void round(int stepCount, int samples, double computeSeconds, double roundWallSeconds, double meanLoss) {
    steps.labelValues(job, worker).inc(stepCount);
    if (computeSeconds > 0) {
      samplesPerSecond.labelValues(job, worker).set(samples / computeSeconds);
    }
    if (!Double.isNaN(meanLoss)) {
      loss.labelValues(job, worker).set(meanLoss);
    }
    roundSeconds.labelValues(job, worker).observe(roundWallSeconds);
  }

  public long bytesSent() {
    return sentTotal.get();
  }

  public long bytesReceived() {
    return receivedTotal.get();
  }

  public void accuracy(double value) {
    accuracy.labelValues(job).set(value);
  }

  @Override
  public void sent(long bytes) {
    bytesSent.labelValues(job, worker).inc(bytes);
    sentTotal.addAndGet(bytes);
  }

  @Override
  public void received(long bytes) {
    bytesReceived.labelValues(job, worker).inc(bytes);
    receivedTotal.addAndGet(bytes);
  }

  @Override
  public void aggregationWait(double seconds) {
    aggregationWait.labelValues(job, worker).observe(seconds);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
