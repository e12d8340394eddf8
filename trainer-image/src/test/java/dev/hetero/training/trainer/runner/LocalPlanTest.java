package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.SampleSelection;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.api.validation.SpecDefaults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalPlanTest {
  static final JobYaml JOB = JobYaml.named("p").algorithm("biasedLocalSGD").dataPath("/data")
      .spec("allocation", "{localSteps: {policy: equalTime, base: 1}}").spec("aggregation", "{policy: workProportional}")
      .cpuPool("fast", 2).pool("{name: slow, deviceClass: cpu, replicas: 1, simulatedSlowdown: 4}");

  static HeteroTrainingJobSpec spec(Algorithm override) {
    return LocalRunner.overrides(RunnerAccess.spec(JOB), new RunOptions(Path.of("x"), override, 3, null, null, false, 1, false));
  }

  @Test
  void theShippedExamplesAreValidAndPlanAsDocumented() {
    // Surefire runs in the module directory; the README's job lives at the repository root.
    var main = JobManifests.read(Path.of("../k8s/examples/fashion-mnist-local.yaml"));
    HeteroTrainingJobSpec mainSpec = SpecDefaults.apply(main.getSpec());
    assertThat(mainSpec.training().algorithm()).isEqualTo(Algorithm.BIASED_LOCAL_SGD);
    assertThat(RunnerAccess.plan(main.getMetadata().getName(), mainSpec)).extracting(PlannedWorker::localSteps)
        .containsExactly(8, 8);
    var hetero = JobManifests.read(Path.of("examples/hetero-2fast-2slow.yaml"));
    assertThat(RunnerAccess.plan("h", SpecDefaults.apply(hetero.getSpec()))).extracting(PlannedWorker::localSteps)
        .containsExactly(8, 8, 1, 1);
  }

  static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  @Test
  void plansEveryWorkerOnLocalhostWithTheWorkTheTrainerRuns() {
    HeteroTrainingJobSpec biased = spec(null);
    assertThat(biased.training().epochs()).isEqualTo(3);
    List<PlannedWorker> plan = RunnerAccess.plan("p", biased);
    assertThat(plan).extracting(PlannedWorker::node).containsOnly(LocalInventory.NODE);
    assertThat(plan).extracting(PlannedWorker::localSteps).containsExactly(4, 4, 1);
    assertThat(plan).extracting(PlannedWorker::weight).containsExactly(round6(4.0 / 9), round6(4.0 / 9), round6(1.0 / 9));
    assertThat(plan).extracting(PlannedWorker::sampling)
        .containsExactly(SampleSelection.UNIFORM, SampleSelection.UNIFORM, SampleSelection.HIGH_LOSS);
    assertThat(plan).extracting(PlannedWorker::slowdown).containsExactly(1.0, 1.0, 4.0);

    HeteroTrainingJobSpec local = spec(Algorithm.LOCAL_SGD);
    assertThat(RunnerAccess.plan("p", local)).extracting(PlannedWorker::weight).containsOnly(round6(1.0 / 3));
    HeteroTrainingJobSpec sync = spec(Algorithm.SYNC_SGD);
    assertThat(RunnerAccess.plan("p", sync)).extracting(PlannedWorker::localSteps).containsOnly(1);
  }
}
