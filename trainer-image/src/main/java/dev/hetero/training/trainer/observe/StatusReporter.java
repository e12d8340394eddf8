package dev.hetero.training.trainer.observe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes status.training and status.workers of the job through its status subresource with
 * server-side apply under field manager hetero-trainer: a PATCH of content type
 * application/apply-patch+yaml (JSON is YAML) straight to .../heterotrainingjobs/NAME/status,
 * because the trainer's Role allows only get/patch on that subresource (a client that first GETs
 * the main resource is refused). The body carries only apiVersion, kind, name, namespace and
 * those two fields, so the operator's fields (phase, conditions, plan) are never touched.
 *
 * <p>Reports go out on a background thread ({@link #start()}) at most once per interval of the
 * injected clock and only when something changed; 409, 429, 5xx and I/O errors are retried with
 * backoff; a failure is logged (status code only, never the token) and never stops training.
 */
public final class StatusReporter implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();
  private static final int ATTEMPTS = 4;

  private final KubeApiTarget target;
  private final String namespace;
  private final String name;
  private final PrintStream log;
  private final HttpClient http;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "status-reporter");
    t.setDaemon(true);
    return t;
  });
  private final long backoffMillis;
  private final Duration interval;
  private final Clock clock;
  private TrainingProgress training;
  private List<WorkerStatus> workers = List.of();
  private Object lastSent;
  private Instant lastSentAt;
  private volatile int reportsSent;
  private volatile int failures;

  /**
   * @param interval least time between two reports, on {@code clock}
   * @param backoff first retry delay after a failed attempt (doubled for each further attempt)
   */
  public StatusReporter(KubeApiTarget target, String namespace, String name, Duration interval, Duration backoff, Clock clock,
      PrintStream log) {
    this.target = target;
    this.namespace = namespace;
    this.name = name;
    this.log = log;
    this.backoffMillis = backoff.toMillis();
    this.interval = interval;
    this.clock = clock;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (target.baseUrl().getScheme().equals("https")) {
      try {
        b.sslContext(target.sslContext());
      } catch (IOException | java.security.GeneralSecurityException e) {
        log.println("status: cannot load the cluster CA " + target.caFile() + " (" + e.getMessage() + "); using the JDK trust store");
      }
    }
    this.http = b.build();
  }

  /** Checks a few times per interval, on the background thread, whether a report is due. */
  public StatusReporter start() {
    long tick = Math.max(50, Math.min(1000, interval.toMillis() / 4));
    thread.scheduleWithFixedDelay(this::reportIfDue, tick, tick, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether the rate limit allows a report now (pure). */
  static boolean due(Instant now, Instant lastSentAt, Duration interval) {
    return lastSentAt == null || !now.isBefore(lastSentAt.plus(interval));
  }

  public synchronized void update(TrainingProgress progress, List<WorkerStatus> workerStatuses) {
    if (progress != null) {
      this.training = progress;
    }
    if (workerStatuses != null) {
      this.workers = List.copyOf(workerStatuses);
    }
  }

  public int reportsSent() {
    return reportsSent;
  }

  public int failures() {
    return failures;
  }

  /** Sends the latest state now whatever the interval (the end of a run), waiting at most {@code within}. */
  public void flush(Duration within) {
    try {
      thread.submit(this::reportIfChanged).get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.println("status: final report not sent: " + e.getClass().getSimpleName());
    }
  }

  /** Sends the latest state if it changed since the last report and the interval has passed. */
  public void reportIfDue() {
    Instant last;
    synchronized (this) {
      last = lastSentAt;
    }
    if (due(clock.instant(), last, interval)) {
      reportIfChanged();
    }
  }

  private void reportIfChanged() {
    Map<String, Object> status;
    synchronized (this) {
      if (training == null) {
        return;
      }
      status = new LinkedHashMap<>();
      status.put("training", training);
      status.put("workers", workers);
      if (Objects.equals(status, lastSent)) {
        return;
      }
    }
    Instant attempted = clock.instant();
    boolean sent = send(status);
    synchronized (this) {
      // a failed report also waits out the interval: the API server is not hammered while it is down
      lastSentAt = attempted;
      if (sent) {
        lastSent = status;
      }
    }
  }

  /** The apply body: only the identity of the object and the trainer's two status fields. */
  public static String body(String namespace, String name, Map<String, Object> status) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "training.hetero.dev/v1alpha1");
    doc.put("kind", "HeteroTrainingJob");
    doc.put("metadata", metadata);
    doc.put("status", status);
    try {
      return JSON.writeValueAsString(doc);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the status report", e);
    }
  }

  private boolean send(Map<String, Object> status) {
    String json = body(namespace, name, status);
    String problem = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpRequest.Builder req = HttpRequest.newBuilder(target.statusUri(namespace, name))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/apply-patch+yaml")
            .header("Accept", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json));
        String token = target.bearerToken();
        if (token != null && !token.isEmpty()) {
          req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        int code = response.statusCode();
        if (code >= 200 && code < 300) {
          reportsSent++;
          return true;
        }
        problem = "HTTP " + code + reason(response.body());
        if (code != 409 && code != 429 && code < 500) {
          break;
        }
      } catch (IOException e) {
        problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (attempt < ATTEMPTS) {
        try {
          Thread.sleep(backoffMillis << (attempt - 1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    failures++;
    log.println("status: report for " + namespace + "/" + name + " failed (" + problem + "); training goes on");
    return false;
  }

  /** The API server's Status message (never contains the request's token), shortened. */
  private static String reason(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      Object message = JSON.readValue(body, Map.class).get("message");
      if (message != null) {
        String m = message.toString();
        return ": " + (m.length() > 200 ? m.substring(0, 200) + "..." : m);
      }
    } catch (IOException | RuntimeException ignored) {
      // not a Status object
    }
    return "";
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
