package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerRole;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.bench.SimulatedRun;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.IdxFiles;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.round.AscentStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * asyncSAM end to end: on the virtual clock with every worker in this process, and with real
 * processes, where CPU helper processes feed perturbations to the two fast worker processes of
 * a biased local SGD run (rank 0 through its own mailbox, rank 1 through the coordinator's
 * relay) while a slow worker trains with plain SGD.
 */
class AsyncSamRunTest {
  @TempDir
  static Path data;
  static TrainTestData subset;

  @TempDir
  Path tmp;

  @BeforeAll
  static void smallData() throws Exception {
    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
    TrainTestData full = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of(JobYaml.FASHION_MNIST));
    subset = new TrainTestData(full.train().head(2048), full.test().head(300));
    IdxFiles.writeSubset(subset, data);
  }

  static JobYaml job(String name, String optimizer, int trainers, int helpers) {
    JobYaml job = JobYaml.named(name).algorithm("localSGD").epochs(1).perWorkerBatch(32).dataPath(data.toString())
        .training("learningRate", "{initial: 0.05}").training("optimizer", optimizer)
        .spec("allocation", "{localSteps: {policy: fixed, base: 8}}")
        .pool("{name: train, deviceClass: cpu, replicas: " + trainers + ", capacityPerWorker: 1}");
    return helpers == 0 ? job : job.pool("{name: helpers, deviceClass: cpu, replicas: " + helpers
        + ", capacityPerWorker: 1, simulatedSlowdown: 4}");
  }

  static final String ASYNC = "{method: asyncSAM, asyncSAM: {helperPool: helpers}}";

  @Test
  void onTheVirtualClockAsyncSamIsDeterministicAndCostsAboutWhatSgdCosts() throws Exception {
    StepCostModel cost = new StepCostModel(Map.of(32, 0.004), Map.of(OptimizerMethod.SAM, 2.0, OptimizerMethod.ASYNC_SAM, 1.05));
    StepCostModel ascent = new StepCostModel(Map.of(1, 0.0003, 32, 0.003));
    PlanDocument async = RunnerAccess.planDocument(job("sim-async", ASYNC, 1, 1));
    assertThat(async.workers()).extracting(PlannedWorker::role).containsExactly(WorkerRole.FAST, WorkerRole.HELPER);

    RunOutcome a = SimulatedRun.run(async, subset, cost, ascent, 1, TrainingListener.NONE);
    RunOutcome b = SimulatedRun.run(async, subset, cost, ascent, 1, TrainingListener.NONE);
    RunOutcome sgd = SimulatedRun.run(RunnerAccess.planDocument(job("sim-sgd", "{method: sgd}", 1, 0)), subset, cost, null, 1,
        TrainingListener.NONE);
    RunOutcome sam = SimulatedRun.run(RunnerAccess.planDocument(job("sim-sam", "{method: sam}", 1, 0)), subset, cost, null, 1,
        TrainingListener.NONE);

    assertThat(a.finalModel()).containsExactly(b.finalModel());
    assertThat(a.virtualSeconds()).isEqualTo(b.virtualSeconds());
    AscentStats stats = a.ascent();
    assertThat(stats.perturbed()).isEqualTo(2048 / 32);
    assertThat(stats.maxAge()).isLessThanOrEqualTo(1);
    // the helper (4 x slower) starts at b_p 8 = 32 x 1/4 by capacity, then sizes b_p to the 4.2 ms step: 0.9 x 4.2 / 4 = 0.95 ms
    assertThat(stats.perturbationBatch()).isBetween(4, 9);
    assertThat(stats.waitFraction()).isLessThan(0.05);
    assertThat(a.virtualSeconds() / sgd.virtualSeconds()).isBetween(1.0, 1.15);
    assertThat(sam.virtualSeconds() / sgd.virtualSeconds()).isBetween(1.9, 2.1);
    assertThat(sgd.ascent()).isNull();
    assertThat(a.finalModel()).isNotEqualTo(sgd.finalModel());
  }

  @Test
  void cpuHelperProcessesFeedPerturbationsToTheFastWorkersOfABiasedLocalSgdRun() throws Exception {
    Path yaml = JobYaml.named("it-async-sam").algorithm("biasedLocalSGD").epochs(1).perWorkerBatch(32).dataPath(data.toString())
        .training("learningRate", "{initial: 0.05}").training("optimizer", ASYNC)
        .spec("allocation", "{localSteps: {policy: equalTime, base: 2}}")
        .pool("{name: fast, deviceClass: cpu, replicas: 2, capacityPerWorker: 1}")
        .pool("{name: slow, deviceClass: cpu, replicas: 1, capacityPerWorker: 1, simulatedSlowdown: 2}")
        .pool("{name: helpers, deviceClass: cpu, replicas: 2, capacityPerWorker: 1, simulatedSlowdown: 2}").writeTo(tmp);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    RunSummary summary = RunnerAccess.runner(new PrintStream(console, true, StandardCharsets.UTF_8))
        .run(new RunOptions(yaml, null, null, tmp.resolve("out"), null, false, 1, false));

    // rank 0 (in the coordinator's process) and rank 1 (over the relay) get the helpers; the slow worker runs sgd
    assertThat(summary.plan()).extracting(PlannedWorker::optimizer)
        .containsExactly(OptimizerMethod.ASYNC_SAM, OptimizerMethod.ASYNC_SAM, OptimizerMethod.SGD, null, null);
    assertThat(summary.plan().get(0).localSteps()).isEqualTo(2 * summary.plan().get(2).localSteps());
    assertThat(summary.workerDigests()).hasSize(3).allMatch(d -> d.equals(summary.modelDigest()));
    AscentStats stats = summary.ascent();
    long fastSteps = summary.rounds() * (summary.plan().get(0).localSteps() + summary.plan().get(1).localSteps());
    assertThat(stats.perturbed() + stats.unperturbed()).isEqualTo(fastSteps);
    assertThat(stats.perturbed()).as("steps that applied a helper's perturbation").isGreaterThan((int) fastSteps / 2);
    assertThat(stats.maxAge()).isLessThanOrEqualTo(1);
    assertThat(stats.perturbationBatch()).isPositive();
    assertThat(stats.helperUtilisation()).isBetween(0.0, 1.0);
    Path logs = tmp.resolve("out").resolve("logs");
    for (String helper : new String[] {"it-async-sam-helpers-0", "it-async-sam-helpers-1"}) {
      assertThat(Files.readString(logs.resolve(helper + ".log"))).contains("computing the perturbations of")
          .containsPattern("done after [1-9][0-9]* ascents");
    }
    assertThat(Files.readString(logs.resolve("it-async-sam-fast-0.log"))).contains("asyncSAM helper rank 3 connected for rank 0")
        .contains("asyncSAM helper rank 4 connected for rank 1");
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("Phase:      Succeeded").contains("ascent for it-async-sam-fast-1");
  }
}
