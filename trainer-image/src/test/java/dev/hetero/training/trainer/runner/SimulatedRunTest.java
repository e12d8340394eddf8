package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.bench.SimulatedRun;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DjlRuntime;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Determinism and the virtual clock, on a small subset with every worker in this process. */
class SimulatedRunTest {

  static PlanDocument plan(String algorithm) {
    return RunnerAccess.planDocument(JobYaml.named("sim").model("mlp").algorithm(algorithm).epochs(2).perWorkerBatch(32)
        .training("learningRate", "{initial: 0.05}").training("seed", "3")
        .spec("allocation", "{localSteps: {policy: equalTime, base: 1}}")
        .pool("{name: fast, deviceClass: cpu, replicas: 1, capacityPerWorker: 1}")
        .pool("{name: slow, deviceClass: cpu, replicas: 1, capacityPerWorker: 1, simulatedSlowdown: 4}"));
  }

  @Test
  void theSameSeedGivesTheSameModelCurveAndVirtualTime() throws Exception {
    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
    TrainTestData full = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of("/usr/share/datasets/fashion-mnist"));
    TrainTestData data = new TrainTestData(full.train().head(3000), full.test().head(500));
    StepCostModel cost = new StepCostModel(Map.of(32, 0.002));
    PlanDocument biased = plan("biasedLocalSGD");
    assertThat(biased.workers()).extracting(w -> w.localSteps()).containsExactly(4, 1);
    RunOutcome a = SimulatedRun.run(biased, data, cost, 1, TrainingListener.NONE);
    RunOutcome b = SimulatedRun.run(biased, data, cost, 1, TrainingListener.NONE);
    assertThat(a.finalModel()).containsExactly(b.finalModel());
    assertThat(a.virtualSeconds()).isEqualTo(b.virtualSeconds());
    assertThat(a.last().accuracy()).isEqualTo(b.last().accuracy()).isGreaterThan(0.5);
    assertThat(a.finalDigests()).allMatch(d -> d.equals(a.expectedDigest()));

    // Synchronous SGD pays the slow worker (x4) on every step: rounds of 64 samples at 4 x 2 ms,
    // where biased local SGD's rounds carry 160 samples in the same 8 ms.
    RunOutcome sync = SimulatedRun.run(plan("syncSGD"), data, cost, 1, TrainingListener.NONE);
    assertThat(sync.rounds()).isEqualTo((6000 + 63) / 64);
    assertThat(sync.virtualSeconds() / a.virtualSeconds()).isBetween(2.0, 3.0);
  }
}
