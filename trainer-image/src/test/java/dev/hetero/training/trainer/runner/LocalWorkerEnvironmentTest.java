package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEndpoints;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.contract.WorkerEnvironment;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.config.TrainerEnv;
import dev.hetero.training.trainer.config.TrainerSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A local worker process gets the pod's environment, built by the same api function, plus only the runner's own knobs. */
class LocalWorkerEnvironmentTest {
  static final JobYaml JOB = JobYaml.named("env").model("mlp").pool("{name: cpu, deviceClass: cpu, replicas: 2, cpusPerWorker: 2}");
  static final Path OUT = Path.of("/tmp/runs/env");

  @Test
  void exactlyTheApiEnvironmentPlusTheTokenAndTheRunnersKnobs() {
    PlanDocument plan = RunnerAccess.planDocument(JOB);
    PlannedWorker worker = plan.workers().get(1);
    RunOptions options = new RunOptions(Path.of("env.yaml"), null, null, OUT, null, true, 3, true);
    RunnerEnvironment machine = RunnerAccess.environment();
    WorkerEndpoints endpoints = LocalRunner.endpoints(machine, plan.spec(), options, OUT, 29555);
    int threads = LocalRunner.threads(plan.spec(), worker);
    assertThat(threads).as("cpusPerWorker").isEqualTo(2);

    Map<String, String> env = LocalRunner.workerEnvironment(plan, worker, endpoints, threads, "the-token", options);
    Map<String, String> pod = WorkerEnvironment.of(plan, worker, endpoints, threads);
    assertThat(env).containsAllEntriesOf(pod);
    Map<String, String> extra = new HashMap<>(env);
    pod.keySet().forEach(extra::remove);
    assertThat(extra).isEqualTo(Map.of(WorkerEnv.TOKEN, "the-token", TrainerEnv.CLOCK, "virtual",
        TrainerEnv.EVALS_PER_EPOCH, "3", TrainerEnv.STATUS_REPORT, "off"));

    // what the runner's endpoints say, as a local run needs it
    assertThat(env).containsEntry(WorkerEnv.COORDINATOR_ADDR, "127.0.0.1:29555").containsEntry(WorkerEnv.METRICS_PORT, "0")
        .containsEntry(WorkerEnv.PLAN_FILE, OUT.resolve("plan.json").toString())
        .containsEntry(WorkerEnv.DATA_DIR, JobYaml.FASHION_MNIST).containsEntry(WorkerEnv.HOME, OUT.resolve("tmp").toString());
    // and the worker reads all of it without a problem
    TrainerSettings settings = TrainerSettings.fromEnv(env);
    assertThat(settings.workerName()).isEqualTo(worker.worker());
    assertThat(settings.djl().intraOpThreads()).isEqualTo(2);
    assertThat(settings.clock()).isEqualTo(TrainerSettings.ClockMode.VIRTUAL);
    assertThat(settings.evaluationsPerEpoch()).isEqualTo(3);
    assertThat(settings.statusReport()).isNull();
  }

  @Test
  void aClaimNeedsADataDirectoryOnOneMachine() {
    PlanDocument plan = RunnerAccess.planDocument(JobYaml.named("pvc").dataset("fashion-mnist", "{persistentVolumeClaim: {claimName: data}}")
        .cpuPool("cpu", 1));
    RunOptions options = new RunOptions(Path.of("pvc.yaml"), null, null, OUT, null, false, 1, true);
    assertThatThrownBy(() -> LocalRunner.endpoints(RunnerAccess.environment(), plan.spec(), options, OUT, 1))
        .hasMessageContaining("--data-dir");
    RunOptions withDir = new RunOptions(Path.of("pvc.yaml"), null, null, OUT, Path.of("/data/fm"), false, 1, true);
    assertThat(LocalRunner.endpoints(RunnerAccess.environment(), plan.spec(), withDir, OUT, 1).dataDir()).isEqualTo("/data/fm");
  }
}
