package dev.hetero.training.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.Fixtures;
import dev.hetero.training.operator.model.JobEvent;
import dev.hetero.training.operator.model.Reason;
import dev.hetero.training.api.testing.ManualClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Event folding against the Fabric8 mock server, timestamps from a controllable clock. */
@EnableKubernetesMockClient(crud = true)
class JobEventsTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  KubernetesClient client;
  ManualClock clock = new ManualClock(T0);
  JobEvents events = new JobEvents();
  HeteroTrainingJob job = Fixtures.job("demo", "ml");

  @BeforeEach
  void setUp() {
    job.getMetadata().setUid("uid-demo");
    events.client = client;
    events.clock = clock;
  }

  private List<Event> all() {
    return client.v1().events().inNamespace("ml").list().getItems();
  }

  @Test
  void aRepeatOfTheSameEventBumpsCountAndLastTimestampInsteadOfAddingOne() {
    events.emit(job, new JobEvent(Reason.WorkerFailed, "demo-cpu-1/OOMKilled", "worker demo-cpu-1 failed (restart 1)"));
    clock.advance(Duration.ofSeconds(42));
    events.emit(job, new JobEvent(Reason.WorkerFailed, "demo-cpu-1/OOMKilled", "worker demo-cpu-1 failed (restart 2)"));

    assertThat(all()).singleElement().satisfies(e -> {
      assertThat(e.getMetadata().getName()).startsWith("demo.workerfailed.").hasSize("demo.workerfailed.".length() + 16);
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("WorkerFailed");
      assertThat(e.getCount()).isEqualTo(2);
      assertThat(e.getFirstTimestamp()).isEqualTo(T0.toString());
      assertThat(e.getLastTimestamp()).isEqualTo(T0.plusSeconds(42).toString());
      assertThat(e.getMessage()).isEqualTo("worker demo-cpu-1 failed (restart 2)");
      assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-demo");
    });
  }

  @Test
  void anotherKeyOrReasonIsAnotherEventAndNamesAreDeterministic() {
    JobEvent a = new JobEvent(Reason.WorkerFailed, "demo-cpu-0/PodFailed", "a");
    JobEvent b = new JobEvent(Reason.WorkerFailed, "demo-cpu-1/PodFailed", "b");
    JobEvent c = new JobEvent(Reason.Planned, "", "3 worker(s) on 2 node(s)");
    events.emit(job, a);
    events.emit(job, b);
    events.emit(job, c);

    assertThat(all()).hasSize(3).extracting(e -> e.getMetadata().getName())
        .containsExactlyInAnyOrder(JobEvents.name(job, a), JobEvents.name(job, b), JobEvents.name(job, c));
    assertThat(JobEvents.name(job, a)).isEqualTo(JobEvents.name(job, new JobEvent(Reason.WorkerFailed, a.key(), "other text")));
    assertThat(all()).filteredOn(e -> e.getReason().equals("Planned")).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
    HeteroTrainingJob recreated = Fixtures.job("demo", "ml");
    recreated.getMetadata().setUid("uid-other");
    assertThat(JobEvents.name(recreated, a)).as("a new job of the same name starts its own events").isNotEqualTo(JobEvents.name(job, a));
  }
}
