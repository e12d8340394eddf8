package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.WorkerStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class StragglerEventsTest {
  @Test
  void eachStragglerRowIsOneWarningKeyedByItsWorker() {
    List<JobEvent> events = StragglerEvents.of(List.of(
        new WorkerStatus("job-cpu-0", "Training", 400.0, 12L).withWork(64, 16, 0.4, 0.16),
        new WorkerStatus("job-cpu-1", "Straggler", 25.0, 12L).withWork(64, 1, 0.1, 2.56),
        new WorkerStatus("job-cpu-2", "Late", null, 11L)));
    assertThat(events).hasSize(1);
    JobEvent e = events.get(0);
    assertThat(e.reason()).isEqualTo(Reason.StragglerDetected);
    assertThat(Reason.StragglerDetected.eventType()).isEqualTo("Warning");
    assertThat(e.key()).isEqualTo("job-cpu-1");
    assertThat(e.message()).contains("worker job-cpu-1 falls far behind in round 12").contains("batch 64 x 1 local steps")
        .contains("2.560 s per step").contains("stragglerFactor");
    assertThat(StragglerEvents.of(null)).isEmpty();
  }
}
