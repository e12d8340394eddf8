package dev.hetero.training.api.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.Fixtures;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.validation.SpecDefaults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerEnvironmentTest {
  static PlanDocument plan() {
    var spec = SpecDefaults.apply(Fixtures.spec(Fixtures.perWorker(32), List.of(Fixtures.cpuPool("cpu", 2))));
    var placed = (PlanResult.Placed) new CapacityPlanner(PlannerConfig.defaults())
        .plan("job", spec, List.of(Fixtures.cpuNode("n", 2, Map.of())));
    return new PlanDocument("job", "ns", 1, spec, placed.workers());
  }

  static final WorkerEndpoints ENDPOINTS = new WorkerEndpoints("job-cpu-0.job.ns.svc:29500", "/etc/hetero/plan/plan.json",
      "/ckpt", "/data", "/cache/djl", "/tmp", "9400");

  @Test
  void carriesIdentityEndpointsAndKnobsButNoWork() {
    PlanDocument plan = plan();
    Map<String, String> env = WorkerEnvironment.of(plan, plan.workers().get(1), ENDPOINTS, 2);
    assertThat(env).containsEntry(WorkerEnv.WORKER_NAME, "job-cpu-1").containsEntry(WorkerEnv.JOB_NAMESPACE, "ns")
        .containsEntry(WorkerEnv.COORDINATOR_ADDR, "job-cpu-0.job.ns.svc:29500")
        .containsEntry(WorkerEnv.OMP_NUM_THREADS, "2").containsEntry(WorkerEnv.PYTORCH_NUM_THREADS, "2")
        .containsEntry(WorkerEnv.HOME, "/tmp")
        // the pod's grace period, from spec.checkpoint (defaulted): the coordinator's time to checkpoint on SIGTERM
        .containsEntry(WorkerEnv.TERMINATION_GRACE_SECONDS, "60");
    assertThat(env.get(WorkerEnv.JAVA_TOOL_OPTIONS)).contains("-XX:MaxDirectMemorySize=256m", "-Djava.io.tmpdir=/tmp");
    // Work lives in the plan: nothing that a live re-plan changes is in the environment.
    assertThat(env.keySet()).doesNotContain("RANK", "WORLD_SIZE", "BATCH_SIZE", "LOCAL_STEPS", "AGG_WEIGHT", "POOL", "DEVICE_CLASS");
    assertThat(env.keySet()).doesNotContain(WorkerEnv.TOKEN);
  }

  @Test
  void sameInputsSameVariablesInTheSameOrder() {
    PlanDocument plan = plan();
    assertThat(List.copyOf(WorkerEnvironment.of(plan, plan.workers().get(0), ENDPOINTS, 1).entrySet()))
        .isEqualTo(List.copyOf(WorkerEnvironment.of(plan, plan.workers().get(0), ENDPOINTS, 1).entrySet()));
  }

  @Test
  void refusesAWorkerThatIsNotInThePlanAndNonsenseThreads() {
    PlanDocument plan = plan();
    var stranger = plan.workers().get(0).withRank(9);
    var renamed = new dev.hetero.training.api.v1alpha1.PlannedWorker("other", 0, "n", "cpu", stranger.deviceClass(), 1.0, 32, 1,
        1.0, stranger.role(), stranger.sampling(), null);
    assertThatThrownBy(() -> WorkerEnvironment.of(plan, renamed, ENDPOINTS, 1)).hasMessageContaining("worker other is not in plan");
    assertThatThrownBy(() -> WorkerEnvironment.of(plan, plan.workers().get(0), ENDPOINTS, 0)).hasMessageContaining("threads");
  }
}
