package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels every child of a job carries. The recommended {@code app.kubernetes.io/*} set lets
 * generic tools group them; the {@code training.hetero.dev/*} set lets the operator (and users)
 * select a job's pods by pool or rank. Children's informers select on {@link #MANAGED_SELECTOR},
 * so the operator never caches other people's Secrets or ConfigMaps.
 */
public final class JobLabels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String JOB = "training.hetero.dev/job";
  public static final String POOL = "training.hetero.dev/pool";
  public static final String RANK = "training.hetero.dev/rank";

  public static final String APP_NAME = "hetero-training";
  public static final String OPERATOR_NAME = "hetero-training-operator";
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR_NAME;

  /** Components: what a child is for. */
  public static final String COMPONENT_WORKER = "worker";
  public static final String COMPONENT_COORDINATOR = "coordinator";
  public static final String COMPONENT_NETWORK = "network";
  public static final String COMPONENT_PLAN = "plan";
  public static final String COMPONENT_TOKEN = "token";
  public static final String COMPONENT_CHECKPOINTS = "checkpoints";
  public static final String COMPONENT_RBAC = "trainer-rbac";

  private JobLabels() {
  }

  public static Map<String, String> forChild(String jobName, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP_NAME);
    labels.put(INSTANCE, jobName);
    labels.put(COMPONENT, component);
    labels.put(MANAGED_BY, OPERATOR_NAME);
    labels.put(JOB, jobName);
    return labels;
  }

  public static Map<String, String> forWorker(String jobName, PlannedWorker worker) {
    Map<String, String> labels = forChild(jobName,
        worker.rank() == 0 ? COMPONENT_COORDINATOR : COMPONENT_WORKER);
    labels.put(POOL, worker.pool());
    labels.put(RANK, String.valueOf(worker.rank()));
    return labels;
  }

  /** Selects every worker pod of a job (the headless Service uses it). */
  public static Map<String, String> workerSelector(String jobName) {
    return Map.of(JOB, jobName, MANAGED_BY, OPERATOR_NAME);
  }
}
