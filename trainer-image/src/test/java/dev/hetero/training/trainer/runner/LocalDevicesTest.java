package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local runner's GPUs: what the plan may count on, and which device each worker process sees. */
class LocalDevicesTest {
  static final JobYaml MIXED = JobYaml.named("m").model("mlp").algorithm("localSGD").perWorkerBatch(32).dataPath("/data")
      .pool("{name: big, deviceClass: gpu, replicas: 2, gpusPerWorker: 2, deviceFallback: cpu}")
      .pool("{name: small, deviceClass: gpu, replicas: 1, deviceFallback: cpu}")
      .cpuPool("cpu", 2);

  @Test
  void gpuWorkersTakeTheMachinesDevicesInRankOrderAndSeeNoneOnceTheyRunOut() {
    HeteroTrainingJobSpec spec = RunnerAccess.spec(MIXED);
    List<PlannedWorker> plan = LocalRunner.plan("m", spec, 3);
    Map<String, String> visible = LocalInventory.visibleDevices(spec, plan, 3);
    assertThat(visible).containsEntry("m-big-0", "0,1").containsEntry("m-big-1", "2").containsEntry("m-small-0", "")
        .containsEntry("m-cpu-0", "").containsEntry("m-cpu-1", "");
  }

  @Test
  void withoutGpusTheGpuPoolsAreStillPlannedSoTheirWorkersDecide() {
    HeteroTrainingJobSpec spec = RunnerAccess.spec(MIXED);
    List<PlannedWorker> plan = LocalRunner.plan("m", spec, 0);
    assertThat(plan).extracting(PlannedWorker::worker)
        .containsExactlyInAnyOrder("m-big-0", "m-big-1", "m-small-0", "m-cpu-0", "m-cpu-1");
    assertThat(LocalInventory.visibleDevices(spec, plan, 0).values()).containsOnly("");
  }
}
