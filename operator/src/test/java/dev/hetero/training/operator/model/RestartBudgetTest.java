package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.RestartCause;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.model.RestartBudget.Disruption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restart budget per cause: bounds, backoff and the reason a job fails with. */
class RestartBudgetTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** backoffLimit 2; node loss 1 restart, 5 s doubling to 20 s; preemption 3, 1 s doubling to 60 s; pod failure 10 s .. 300 s. */
  static RunPolicy policy() {
    return SpecDefaults.apply(JobYaml.named("j").cpuPool("cpu", 1).spec("runPolicy", "{backoffLimit: 2, restarts: {"
        + "nodeLost: {limit: 1, initialBackoffSeconds: 5, maxBackoffSeconds: 20}, preempted: {limit: 3, initialBackoffSeconds: 1}}}")
        .job().getSpec()).runPolicy();
  }

  static RestartRecord record(String reason, int count) {
    return new RestartRecord(reason, count, "w", T0.toString());
  }

  @Test
  void reasonsCountAgainstTheirCause() {
    assertThat(RestartBudget.causeOf("PodFailed")).isEqualTo(RestartCause.POD_FAILURE);
    assertThat(RestartBudget.causeOf("OOMKilled")).isEqualTo(RestartCause.POD_FAILURE);
    assertThat(RestartBudget.causeOf("NodeLost")).isEqualTo(RestartCause.NODE_LOST);
    for (String disruption : List.of("Evicted", "PodDeleted", "StoppedOnRequest", "Preempted", "EvictedByKueue")) {
      assertThat(RestartBudget.causeOf(disruption)).as(disruption).isEqualTo(RestartCause.PREEMPTED);
    }
  }

  @Test
  void theDelayDoublesPerRestartOfTheCauseAndIsCapped() {
    var nodeLost = RestartBudget.bounds(policy(), RestartCause.NODE_LOST);
    assertThat(List.of(nodeLost.delay(1), nodeLost.delay(2), nodeLost.delay(3), nodeLost.delay(9)))
        .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(20));
    var podFailure = RestartBudget.bounds(policy(), RestartCause.POD_FAILURE);
    assertThat(podFailure.limit()).isEqualTo(2);
    assertThat(podFailure.delay(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(podFailure.delay(20)).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void aFailureWaitsForItsBackoffCountedFromWhenTheWorkerStopped() {
    // One pod failure already: the second waits 10 x 2 = 20 s after the failure.
    List<RestartRecord> ledger = List.of(record("PodFailed", 1));
    var failure = new Disruption("w1", "PodFailed", T0);
    var early = RestartBudget.decide(List.of(failure), ledger, policy(), T0.plusSeconds(19));
    assertThat(early.restarts()).isEmpty();
    assertThat(early.waitUntil()).contains(T0.plusSeconds(20));
    assertThat(RestartBudget.decide(List.of(failure), ledger, policy(), T0.plusSeconds(20)).restarts()).containsExactly(failure);
  }

  @Test
  void oneCauseNeverUsesAnothersBudget() {
    // Pod failures exhausted (2 of 2), but a lost node still has its own restart.
    List<RestartRecord> ledger = List.of(record("PodFailed", 1), record("OOMKilled", 1));
    var lost = new Disruption("w1", "NodeLost", T0);
    var decision = RestartBudget.decide(List.of(lost), ledger, policy(), T0.plusSeconds(5));
    assertThat(decision.exhausted()).isEmpty();
    assertThat(decision.restarts()).containsExactly(lost);
    // Evictions, deletions and stops on request share the preemption budget (3), not backoffLimit.
    var deleted = new Disruption("w2", "PodDeleted", T0);
    assertThat(RestartBudget.decide(List.of(deleted), ledger, policy(), T0.plusSeconds(1)).restarts()).containsExactly(deleted);
  }

  @Test
  void aCauseOverItsLimitFailsTheJobWithAReasonNamingTheCause() {
    var lost = RestartBudget.decide(List.of(new Disruption("w1", "NodeLost", T0)), List.of(record("NodeLost", 1)), policy(),
        T0.plusSeconds(60));
    assertThat(lost.exhausted()).hasValueSatisfying(e -> {
      assertThat(e.cause()).isEqualTo(RestartCause.NODE_LOST);
      assertThat(e.reason()).isEqualTo(Reason.NodeLostLimitExceeded);
      assertThat(e.message()).isEqualTo("worker w1 lost its node (NodeLost) after 1 NodeLost restart(s);"
          + " runPolicy.restarts.nodeLost.limit is 1");
    });
    var failed = RestartBudget.decide(List.of(new Disruption("w1", "OOMKilled", T0)), List.of(record("PodFailed", 2)), policy(),
        T0.plusSeconds(600));
    assertThat(failed.exhausted()).hasValueSatisfying(e -> {
      assertThat(e.reason()).isEqualTo(Reason.BackoffLimitExceeded);
      assertThat(e.message()).contains("failed (OOMKilled) after 2 PodFailure restart(s); runPolicy.backoffLimit is 2");
    });
    var preempted = RestartBudget.decide(List.of(new Disruption("w1", "StoppedOnRequest", T0)),
        List.of(record("Preempted", 2), record("PodDeleted", 1)), policy(), T0.plusSeconds(600));
    assertThat(preempted.exhausted()).map(RestartBudget.Exhausted::reason).contains(Reason.PreemptionLimitExceeded);
  }

  @Test
  void aWorkerWithoutCudaDeviceUsesThePodFailureBudgetAndFailsTheJobAsNoCudaDevice() {
    assertThat(RestartBudget.causeOf("NoCudaDevice")).isEqualTo(RestartCause.POD_FAILURE);
    var first = RestartBudget.decide(List.of(new Disruption("j-gpu-0", "NoCudaDevice", T0)), List.of(), policy(),
        T0.plusSeconds(600));
    assertThat(first.restarts()).hasSize(1);
    var last = RestartBudget.decide(List.of(new Disruption("j-gpu-0", "NoCudaDevice", T0)),
        List.of(record("NoCudaDevice", 1), record("PodFailed", 1)), policy(), T0.plusSeconds(600));
    assertThat(last.exhausted()).hasValueSatisfying(e -> {
      assertThat(e.reason()).isEqualTo(Reason.NoCudaDevice);
      assertThat(e.message()).startsWith("worker j-gpu-0 found no usable CUDA device (NoCudaDevice, exit 69")
          .contains("runPolicy.backoffLimit is 2");
    });
  }

  @Test
  void twoDisruptionsInOneReconcileUseTwoRestartsOldestFirst() {
    var first = new Disruption("w2", "PodDeleted", T0);
    var second = new Disruption("w1", "Evicted", T0.plusSeconds(1));
    // Preempted backoff 1 s, then 2 s: the second is due at T0+1+2.
    var decision = RestartBudget.decide(List.of(second, first), List.of(), policy(), T0.plusSeconds(2));
    assertThat(decision.restarts()).containsExactly(first);
    assertThat(decision.waitUntil()).contains(T0.plusSeconds(3));
  }

  @Test
  void theLedgerShowsEachReasonsCauseCountAndLimit() {
    List<RestartRecord> shown = RestartBudget.annotate(List.of(record("PodDeleted", 2), record("NodeLost", 1),
        record("Preempted", 1)), policy());
    assertThat(shown).extracting(RestartRecord::cause).containsExactly(RestartCause.PREEMPTED, RestartCause.NODE_LOST,
        RestartCause.PREEMPTED);
    assertThat(shown).extracting(RestartRecord::causeCount).containsExactly(3, 1, 3);
    assertThat(shown).extracting(RestartRecord::limit).containsExactly(3, 1, 3);
  }
}
