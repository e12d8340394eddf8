package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  final RestartPolicy policy = new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5));

  @Test
  void delayDoublesFromBaseAndIsCapped() {
    assertThat(policy.delay(0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delay(1)).isEqualTo(Duration.ofSeconds(20));
    assertThat(policy.delay(3)).isEqualTo(Duration.ofSeconds(80));
    assertThat(policy.delay(5)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.delay(10_000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void limitIsExceededWhenOneMoreRestartWouldPassIt() {
    assertThat(policy.limitExceeded(0, 0)).isTrue();
    assertThat(policy.limitExceeded(2, 3)).isFalse();
    assertThat(policy.limitExceeded(3, 3)).isTrue();
  }

  @Test
  void refusesMaxBelowBase() {
    assertThatThrownBy(() -> new RestartPolicy(Duration.ofMinutes(1), Duration.ofSeconds(1)))
        .hasMessageContaining("base <= max");
  }

  @Test
  void deciderRestartsDueFailuresWaitsForOthersAndGivesUpPastTheLimit() {
    Instant now = Instant.parse("2026-01-01T00:01:00Z");
    var old = new RestartDecider.FailedWorker("j-cpu-0", "u1", "PodFailed", now.minusSeconds(30));
    var fresh = new RestartDecider.FailedWorker("j-cpu-1", "u2", "OOMKilled", now.minusSeconds(5));

    RestartDecider.Decision d = RestartDecider.decide(List.of(fresh, old), 0, 3, policy, now);
    assertThat(d.giveUp()).isEmpty();
    assertThat(d.restarts()).extracting(r -> r.worker().worker()).containsExactly("j-cpu-0");
    // The second restart waits 20 s (one restart already happened) from its failure.
    assertThat(d.waitUntil()).contains(fresh.failedAt().plusSeconds(20));

    RestartDecider.Decision exhausted = RestartDecider.decide(List.of(old), 3, 3, policy, now);
    assertThat(exhausted.restarts()).isEmpty();
    assertThat(exhausted.giveUp()).get().asString().contains("j-cpu-0").contains("backoffLimit is 3");
  }
}
