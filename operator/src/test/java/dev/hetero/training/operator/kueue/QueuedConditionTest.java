package dev.hetero.training.operator.kueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.operator.model.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueuedConditionTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:01:00Z");

  static HeteroTrainingJobStatus status(List<JobCondition> conditions) {
    return new HeteroTrainingJobStatus(1L, JobPhase.Queued, conditions, null, null, null, null, null, null, null, 0, null);
  }

  static final HeteroTrainingJobStatus SIX = status(List.of(new JobCondition("Planned", "False", 1L, T0.toString(), "Pending", "x")));

  @Test
  void theQueuedConditionIsAddedMovesWithTheVerdictAndIsKeptWhenTheQueueWasNotLookedAt() {
    var waiting = new QueueVerdict(true, Reason.WaitingForQuota, "insufficient quota", Optional.empty(), false);
    HeteroTrainingJobStatus first = QueuedCondition.apply(SIX, null, waiting, 1, T0);
    assertThat(first.conditions()).extracting(JobCondition::type).containsExactly("Planned", "Queued");
    assertThat(queued(first)).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("WaitingForQuota");
      assertThat(c.lastTransitionTime()).isEqualTo(T0.toString());
    });
    var admitted = new QueueVerdict(false, Reason.Admitted, "admitted by ClusterQueue cq", Optional.empty(), false);
    HeteroTrainingJobStatus second = QueuedCondition.apply(SIX, first, admitted, 1, T1);
    assertThat(queued(second)).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("Admitted");
      assertThat(c.lastTransitionTime()).isEqualTo(T1.toString());
    });
    // A reconcile that stopped before the queue step (suspended, failed) keeps the last one.
    assertThat(queued(QueuedCondition.apply(SIX, second, null, 2, T1))).isEqualTo(queued(second));
    // Never on a job that was never queued.
    assertThat(QueuedCondition.apply(SIX, SIX, null, 1, T1)).isEqualTo(SIX);
  }

  private static JobCondition queued(HeteroTrainingJobStatus s) {
    return s.conditions().stream().filter(c -> c.type().equals("Queued")).findFirst().orElseThrow();
  }
}
