package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.RestartCause;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The restart budget of a job, per cause (spec.runPolicy.restarts), pure. A pod failure, a lost
 * node and a preemption each have their own bound and exponential backoff, counted in the job's
 * status (status.restarts), so recreating children never resets them and a flaky node pool never
 * uses up the budget of a crashing trainer. The n-th restart of a cause is due
 * {@code initial x 2^(n-1)} (capped at max) after its worker stopped; one more restart than the
 * cause's limit fails the job with the cause's reason.
 */
public final class RestartBudget {
  private RestartBudget() {
  }

  /** Restart reasons that count against the pod-failure budget (runPolicy.backoffLimit). */
  static final Set<String> POD_FAILURES = Set.of(WorkerPodState.REASON_POD_FAILED, WorkerPodState.REASON_OOM,
      WorkerPodState.REASON_NO_CUDA_DEVICE);

  /** The budget a restart reason counts against; anything neither a failure nor a lost node is a disruption. */
  public static RestartCause causeOf(String reason) {
    if (POD_FAILURES.contains(reason)) {
      return RestartCause.POD_FAILURE;
    }
    if (WorkerPodState.REASON_NODE_LOST.equals(reason)) {
      return RestartCause.NODE_LOST;
    }
    return RestartCause.PREEMPTED;
  }

  /** A cause's bound and backoff, with the spec field that sets the bound (for messages). */
  public record Bounds(RestartCause cause, int limit, Duration initial, Duration max, String limitField) {

    /** Delay before the n-th restart of this cause (n >= 1): initial x 2^(n-1), capped at max. */
    public Duration delay(int nth) {
      Duration d = initial;
      for (int i = 1; i < nth && d.compareTo(max) < 0; i++) {
        d = d.multipliedBy(2);
      }
      return d.compareTo(max) > 0 ? max : d;
    }
  }

  /** The bounds of a cause from a defaulted run policy. */
  public static Bounds bounds(RunPolicy policy, RestartCause cause) {
    var r = policy.restarts();
    return switch (cause) {
      case POD_FAILURE -> new Bounds(cause, policy.backoffLimit(), seconds(r.podFailure().initialBackoffSeconds()),
          seconds(r.podFailure().maxBackoffSeconds()), "runPolicy.backoffLimit");
      case NODE_LOST -> new Bounds(cause, r.nodeLost().limit(), seconds(r.nodeLost().initialBackoffSeconds()),
          seconds(r.nodeLost().maxBackoffSeconds()), "runPolicy.restarts.nodeLost.limit");
      case PREEMPTED -> new Bounds(cause, r.preempted().limit(), seconds(r.preempted().initialBackoffSeconds()),
          seconds(r.preempted().maxBackoffSeconds()), "runPolicy.restarts.preempted.limit");
    };
  }

  /** The Failed reason when a cause's budget is used up. */
  public static Reason exhaustedReason(RestartCause cause) {
    return switch (cause) {
      case POD_FAILURE -> Reason.BackoffLimitExceeded;
      case NODE_LOST -> Reason.NodeLostLimitExceeded;
      case PREEMPTED -> Reason.PreemptionLimitExceeded;
    };
  }

  /** Restarts of a cause so far, all its reasons together. */
  public static int causeCount(List<RestartRecord> ledger, RestartCause cause) {
    return ledger == null ? 0 : ledger.stream().filter(r -> causeOf(r.reason()) == cause).mapToInt(RestartRecord::count).sum();
  }

  /** The ledger with each record's cause, that cause's count and its limit filled in (as status shows them). */
  public static List<RestartRecord> annotate(List<RestartRecord> ledger, RunPolicy policy) {
    if (ledger == null) {
      return null;
    }
    Map<RestartCause, Integer> counts = new EnumMap<>(RestartCause.class);
    for (RestartCause c : RestartCause.values()) {
      counts.put(c, causeCount(ledger, c));
    }
    return ledger.stream().map(r -> {
      RestartCause cause = causeOf(r.reason());
      return new RestartRecord(r.reason(), r.count(), r.lastWorker(), r.lastTime(), cause, counts.get(cause),
          policy == null ? r.limit() : bounds(policy, cause).limit());
    }).toList();
  }

  /** A worker that stopped and needs a new pod: why, and since when (the backoff counts from then). */
  public record Disruption(String worker, String reason, Instant at) {
    public RestartCause cause() {
      return causeOf(reason);
    }
  }

  /** The job gives up: which cause ran out, the Failed reason and the message naming the worker and the bound. */
  public record Exhausted(RestartCause cause, Reason reason, String message) {
  }

  /**
   * @param restarts disruptions to restart now, oldest first
   * @param waitUntil when the next waiting one becomes due
   * @param exhausted set when a cause's budget is used up: the job fails
   */
  public record Decision(List<Disruption> restarts, Optional<Instant> waitUntil, Optional<Exhausted> exhausted) {
  }

  /**
   * Which of these disruptions to restart now. Each restart is counted against its cause as it
   * is decided, so two failures in one reconcile use two restarts; a disruption whose cause has no
   * restart left fails the job (before any other restart of this reconcile is carried out).
   */
  public static Decision decide(List<Disruption> disruptions, List<RestartRecord> ledger, RunPolicy policy, Instant now) {
    List<Disruption> ordered = new ArrayList<>(disruptions);
    ordered.sort(Comparator.comparing(Disruption::at).thenComparing(Disruption::worker));
    Map<RestartCause, Integer> counts = new EnumMap<>(RestartCause.class);
    for (RestartCause c : RestartCause.values()) {
      counts.put(c, causeCount(ledger, c));
    }
    List<Disruption> restarts = new ArrayList<>();
    Instant wait = null;
    for (Disruption d : ordered) {
      Bounds b = bounds(policy, d.cause());
      int sofar = counts.get(d.cause());
      if (sofar >= b.limit()) {
        // A worker that ran out of restarts for want of a CUDA device fails the job with that reason, the actionable one.
        Reason failed = WorkerPodState.REASON_NO_CUDA_DEVICE.equals(d.reason()) ? Reason.NoCudaDevice : exhaustedReason(d.cause());
        return new Decision(List.of(), Optional.empty(), Optional.of(new Exhausted(d.cause(), failed,
            "worker " + d.worker() + " " + describe(d.reason()) + " after " + sofar + " " + d.cause().wireName() + " restart(s); "
                + b.limitField() + " is " + b.limit())));
      }
      Instant due = d.at().plus(b.delay(sofar + 1));
      if (!due.isAfter(now)) {
        restarts.add(d);
        counts.put(d.cause(), sofar + 1);
      } else if (wait == null || due.isBefore(wait)) {
        wait = due;
      }
    }
    return new Decision(restarts, Optional.ofNullable(wait), Optional.empty());
  }

  /** When the next restart of a cause may happen, counted from {@code since}: for holding a whole group (Kueue). */
  public static Instant dueAfter(Instant since, List<RestartRecord> ledger, RunPolicy policy, RestartCause cause) {
    return since.plus(bounds(policy, cause).delay(Math.max(1, causeCount(ledger, cause))));
  }

  static String describe(String reason) {
    return switch (reason) {
      case WorkerPodState.REASON_POD_FAILED -> "failed (PodFailed)";
      case WorkerPodState.REASON_OOM -> "failed (OOMKilled)";
      case WorkerPodState.REASON_NO_CUDA_DEVICE -> "found no usable CUDA device (NoCudaDevice, exit 69; give its pool the GPU"
          + " trainer image, or deviceFallback: cpu)";
      case WorkerPodState.REASON_NODE_LOST -> "lost its node (NodeLost)";
      case WorkerPodState.REASON_POD_DELETED -> "lost its pod (PodDeleted)";
      case WorkerPodState.REASON_STOPPED -> "stopped on request (StoppedOnRequest)";
      default -> "was disrupted (" + reason + ")";
    };
  }

  private static Duration seconds(Integer s) {
    return Duration.ofSeconds(s == null ? 0 : s);
  }
}
