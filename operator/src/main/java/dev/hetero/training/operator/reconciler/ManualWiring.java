package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.operator.config.GpuCapacityTable;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.RestartPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Builds the reconciler without CDI, for plain Java Operator SDK runs: the Fabric8 mock-server
 * tests and the benchmark. Quarkus wires the same objects by injection in production.
 */
public final class ManualWiring {
  private ManualWiring() {
  }

  public static HeteroTrainingJobReconciler reconciler(KubernetesClient client, OperatorConfig config,
      MeterRegistry registry, boolean serverSideApply) {
    PodExpectations expectations = new PodExpectations();
    WorkerPodManager pods = new WorkerPodManager();
    pods.client = client;
    pods.expectations = expectations;
    StatusWriter statusWriter = new StatusWriter();
    statusWriter.client = client;
    statusWriter.serverSideApply = serverSideApply;
    JobEvents events = new JobEvents();
    events.client = client;
    JobPlanning planning = new JobPlanning();
    planning.planner = new CapacityPlanner(GpuCapacityTable.plannerConfig(config.gpuCapacity()));
    planning.config = config;
    planning.ledger = new CapacityLedger();

    JobMetrics metrics = JobMetrics.forRegistry(registry);
    WorkerPodSync podSync = new WorkerPodSync();
    podSync.config = config;
    podSync.restartPolicy = new RestartPolicy(config.backoffBase(), config.backoffMax());
    podSync.pods = pods;
    podSync.events = events;
    podSync.metrics = metrics;

    HeteroTrainingJobReconciler r = new HeteroTrainingJobReconciler();
    r.config = config;
    r.planning = planning;
    r.statusWriter = statusWriter;
    r.events = events;
    r.metrics = metrics;
    r.expectations = expectations;
    r.client = client;
    r.podSync = podSync;
    return r;
  }
}
