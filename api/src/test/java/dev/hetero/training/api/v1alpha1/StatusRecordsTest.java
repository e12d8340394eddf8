package dev.hetero.training.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The status records gained fields (restart causes, the coordinator's restart markers) and keep
 * their old constructors for writers that do not set them: JSON of either shape must read back.
 */
class StatusRecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void statusWrittenBeforeAndAfterTheNewFieldsReadsBack() throws Exception {
    HeteroTrainingJobStatus old = JSON.readValue("""
        {"phase": "Running", "restartCount": 1,
         "restarts": [{"reason": "OOMKilled", "count": 1, "lastWorker": "j-cpu-1", "lastTime": "2026-12-01T10:00:00Z"}],
         "training": {"round": 40, "epoch": 1.5, "accuracy": 0.8, "updatedAt": "2026-12-01T10:00:00Z"}}
        """, HeteroTrainingJobStatus.class);
    assertThat(old.restarts().get(0)).isEqualTo(new RestartRecord("OOMKilled", 1, "j-cpu-1", "2026-12-01T10:00:00Z"));
    assertThat(old.training().resumedFromRound()).isNull();

    TrainingProgress resumed = TrainingProgress.of(50L, 2.0, 100L, null, 0.85, null, "2026-12-01T10:05:00Z", null,
        "2026-12-01T10:04:58Z", 50L, 50L);
    RestartRecord counted = new RestartRecord("NodeLost", 2, "j-cpu-0", "2026-12-01T10:04:00Z", RestartCause.NODE_LOST, 2, 20);
    String json = JSON.writeValueAsString(new HeteroTrainingJobStatus(null, JobPhase.Running, null, null, null, null, resumed,
        null, null, null, 3, java.util.List.of(counted)));
    assertThat(json).contains("\"cause\":\"NodeLost\"").contains("\"coordinatorStartedAt\"");
    HeteroTrainingJobStatus back = JSON.readValue(json, HeteroTrainingJobStatus.class);
    assertThat(back.training()).isEqualTo(resumed);
    assertThat(back.restarts()).containsExactly(counted);
  }
}
