package dev.hetero.training.operator.model;

import dev.hetero.training.api.contract.WorkerEnv;

/** Names of a job's children, derived from the job's name so that they are deterministic. */
public final class ChildNames {
  public static final String TOKEN_KEY = "token";

  private ChildNames() {
  }

  /** Headless Service giving each worker a DNS name {@code <pod>.<service>.<ns>.svc}. */
  public static String service(String job) {
    return job + "-workers";
  }

  public static String planConfigMap(String job) {
    return job + "-plan";
  }

  /** The checkpoint claim the operator creates from spec.checkpoint.claimTemplate. */
  public static String checkpointClaim(String job) {
    return job + "-checkpoints";
  }

  public static String tokenSecret(String job) {
    return job + "-token";
  }

  /** ServiceAccount, Role and RoleBinding of the trainer share this name. */
  public static String trainer(String job) {
    return job + "-trainer";
  }

  public static String coordinatorAddress(String job, String namespace, String rank0Worker) {
    return rank0Worker + "." + service(job) + "." + namespace + ".svc:" + WorkerEnv.COORDINATOR_PORT;
  }
}
