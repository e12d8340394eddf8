package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.operator.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The describe table: the plan next to what the trainer measured, aligned, and first in the status. */
class AssignmentTableTest {

  @Test
  void eachPlannedWorkerIsALineJoiningThePlanWithTheMeasuredRateRoundAndState() {
    var gpu = Fixtures.worker("mixed-gpu-0", 0, "gpu-1", "gpu", DeviceClass.GPU).withWork(128, 32, 0.5).withPlacement("gpu-1", 16.0);
    var cpu = Fixtures.worker("mixed-cpu-0", 1, "cpu-1", "cpu", DeviceClass.CPU).withWork(64, 1, 0.5);
    List<String> rows = AssignmentTable.rows(List.of(cpu, gpu), List.of(new WorkerStatus("mixed-gpu-0", "Training", 1234.6, 57L)),
        List.of(new WorkerAvailability.Missing("mixed-cpu-0", "node cpu-1 NotReady", Instant.EPOCH)));
    assertThat(rows).containsExactly(
        "WORKER       RANK  NODE   DEVICE  CAPACITY  BATCH  STEPS  WEIGHT  SAMPLES/S  ROUND  STATE",
        "mixed-gpu-0  0     gpu-1  gpu     16.00     128    32     0.500   1235       57     Training",
        "mixed-cpu-0  1     cpu-1  cpu     1.00      64     1      0.500   -          -      node cpu-1 NotReady");
  }

  @Test
  void kubectlDescribeSortsStatusFieldsAlphabeticallySoTheTableComesFirst() {
    // pkg/describe printUnstructuredContent: sort.Strings over the map's keys at every level.
    var status = new HeteroTrainingJobStatus(1L, null, List.of(), List.of(), List.of(), "1/1", null, List.of(), "t", "t", 0,
        List.of(), List.of("WORKER"), null);
    List<String> fields = new ArrayList<>();
    new ObjectMapper().valueToTree(status).fieldNames().forEachRemaining(fields::add);
    List<String> sorted = new ArrayList<>(fields);
    java.util.Collections.sort(sorted);
    assertThat(sorted.get(0)).isEqualTo("assignments");
    assertThat(sorted.indexOf("assignments")).isLessThan(sorted.indexOf("conditions"));
  }

  @Test
  void noPlanNoTable() {
    assertThat(AssignmentTable.rows(List.of(), null, List.of())).isEmpty();
  }
}
