package dev.hetero.training.trainer.observe;

import dev.hetero.training.trainer.net.TransportMeter;
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
  }

  /** Serves /metrics on the port (0: any free port); returns the bound port. */
  public int serve(int port) throws IOException {
    server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
    return server.getPort();
  }

  public PrometheusRegistry registry() {
    return registry;
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
