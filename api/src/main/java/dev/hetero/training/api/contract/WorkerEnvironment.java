package dev.hetero.training.api.contract;

import dev.hetero.training.api.v1alpha1.Defaults;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place a worker's environment is built, for a pod (the operator maps it to EnvVars,
 * taking the namespace from the downward API and the token from the job's Secret) and for a
 * process of the one-machine runner (which adds the token's value). Pure: the same plan, worker,
 * endpoints and thread count give the same variables, in the same order.
 *
 * <p>Deliberately absent: rank, world size, batch, local steps and weight. They live in the plan
 * document only, where a live re-plan can change them; an environment variable cannot change in
 * a running process.
 */
public final class WorkerEnvironment {
  /** Direct buffers are freed only at GC; without a cap a long run's RSS grows by gigabytes. */
  public static final String DIRECT_MEMORY = "256m";
  /** The heap follows the container's memory limit, leaving room for native PyTorch memory. */
  public static final int HEAP_PERCENT_OF_MEMORY = 50;

  private WorkerEnvironment() {
  }

  /**
   * @param plan the plan document the worker reads its work from
   * @param worker this worker's entry in it
   * @param endpoints addresses and directories
   * @param threads intra-op threads (whole cores the worker may use, at least 1)
   */
  public static Map<String, String> of(PlanDocument plan, PlannedWorker worker, WorkerEndpoints endpoints, int threads) {
    if (plan.workers().stream().noneMatch(w -> w.worker().equals(worker.worker()))) {
      throw new IllegalArgumentException("worker " + worker.worker() + " is not in plan version " + plan.planVersion()
          + " of job " + plan.jobName());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("worker " + worker.worker() + ": threads must be at least 1, got " + threads);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put(WorkerEnv.JOB_NAME, plan.jobName());
    env.put(WorkerEnv.JOB_NAMESPACE, plan.namespace());
    env.put(WorkerEnv.WORKER_NAME, worker.worker());
    env.put(WorkerEnv.COORDINATOR_ADDR, endpoints.coordinatorAddress());
    env.put(WorkerEnv.PLAN_FILE, endpoints.planFile());
    env.put(WorkerEnv.CHECKPOINT_DIR, endpoints.checkpointDir());
    env.put(WorkerEnv.DATA_DIR, endpoints.dataDir());
    env.put(WorkerEnv.METRICS_PORT, endpoints.metricsPort());
    env.put(WorkerEnv.TERMINATION_GRACE_SECONDS, String.valueOf(terminationGraceSeconds(plan)));
    env.put(WorkerEnv.DJL_OFFLINE, "true");
    env.put(WorkerEnv.DJL_CACHE_DIR, endpoints.cacheDir());
    env.put(WorkerEnv.PYTORCH_NUM_THREADS, String.valueOf(threads));
    env.put(WorkerEnv.OMP_NUM_THREADS, String.valueOf(threads));
    // With more than one OpenMP thread the default busy-wait policy collapses throughput on shared cores.
    env.put(WorkerEnv.OMP_WAIT_POLICY, "PASSIVE");
    env.put(WorkerEnv.JAVA_TOOL_OPTIONS, "-XX:MaxDirectMemorySize=" + DIRECT_MEMORY + " -XX:MaxRAMPercentage="
        + HEAP_PERCENT_OF_MEMORY + " -Dai.djl.offline=true -Djava.io.tmpdir=" + endpoints.tmpDir());
    env.put(WorkerEnv.HOME, endpoints.tmpDir());
    if (worker.deviceClass() == DeviceClass.GPU) {
      env.put(WorkerEnv.NVIDIA_DRIVER_CAPABILITIES, WorkerEnv.NVIDIA_DRIVER_CAPABILITIES_VALUE);
    }
    return Collections.unmodifiableMap(env);
  }

  /**
   * The grace period the operator gives the pod (its terminationGracePeriodSeconds), from the
   * plan's spec: the trainer plans its checkpoint-on-SIGTERM within it.
   */
  public static int terminationGraceSeconds(PlanDocument plan) {
    var checkpoint = plan.spec() == null ? null : plan.spec().checkpoint();
    return checkpoint != null && checkpoint.terminationGracePeriodSeconds() != null ? checkpoint.terminationGracePeriodSeconds()
        : Integer.parseInt(Defaults.TERMINATION_GRACE_SECONDS);
  }
}
