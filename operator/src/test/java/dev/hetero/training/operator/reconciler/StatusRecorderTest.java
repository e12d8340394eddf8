package dev.hetero.training.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobPhase;
import org.junit.jupiter.api.Test;

class StatusRecorderTest {
  @Test
  void jsonPatchSetsEveryOperatorFieldAndNeverTheTrainers() {
    HeteroTrainingJobStatus current = new HeteroTrainingJobStatus(1L, JobPhase.Running, null, null, null, "1/1", null,
        null, "t", null, 0, null);
    ObjectNode desired = new ObjectMapper().valueToTree(new HeteroTrainingJobStatus(2L, JobPhase.Succeeded, null, null,
        null, "1/1", null, null, "t", "t2", 0, null));
    String patch = StatusRecorder.jsonPatch(current, desired).toString();
    assertThat(patch).contains("\"/status/phase\"").contains("\"Succeeded\"").contains("\"/status/completionTime\"")
        .contains("{\"op\":\"add\",\"path\":\"/status/plan\",\"value\":null}");
    assertThat(patch).doesNotContain("\"/status/training\"").doesNotContain("\"/status/workers\"");
    assertThat(StatusRecorder.jsonPatch(null, desired).toString()).contains("\"path\":\"/status\"");
  }
}
