package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.operator.config.GpuCapacityTable;
import dev.hetero.training.operator.config.OperatorConfig;
import dev.hetero.training.operator.devices.DraDevices;
import dev.hetero.training.operator.kueue.KueuePods;
import dev.hetero.training.operator.kueue.OrphanedGroups;
import dev.hetero.training.operator.kueue.QueuedJobs;
import dev.hetero.training.operator.kueue.Workloads;
import dev.hetero.training.operator.metrics.JobMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * Builds the reconciler without CDI, for plain Java Operator SDK runs: the Fabric8 mock-server
 * tests and the benchmark. Quarkus wires the same objects by injection in production.
 */
public final class ManualWiring {
  private ManualWiring() {
  }

  public static HeteroTrainingJobReconciler reconciler(KubernetesClient client, OperatorConfig config,
      MeterRegistry registry, boolean serverSideApply, Clock clock) {
    JobMetrics metrics = JobMetrics.forRegistry(registry);
    PodDeletions deletions = new PodDeletions();
    WorkerPodManager podManager = new WorkerPodManager();
    podManager.deletions = deletions;
    WorkerPodSync pods = new WorkerPodSync();
    pods.config = config;
    pods.deletions = deletions;
    pods.pods = podManager;
    pods.metrics = metrics;

    DraDevices dra = new DraDevices();
    JobObserver observer = new JobObserver();
    observer.clock = clock;
    observer.deletions = deletions;
    observer.metrics = metrics;
    observer.devices = dra;
    FinishedJobs finished = new FinishedJobs();
    finished.pods = pods;
    RunPolicySteps runPolicy = new RunPolicySteps();
    runPolicy.pods = pods;
    JobPlanning planning = new JobPlanning();
    CapacityPlanner planner = new CapacityPlanner(GpuCapacityTable.plannerConfig(config.gpuCapacity()));
    planning.planner = planner;
    planning.config = config;
    planning.ledger = new CapacityLedger();
    planning.metrics = metrics;
    StatusRecorder statusRecorder = new StatusRecorder();
    statusRecorder.serverSideApply = serverSideApply;
    JobEvents events = new JobEvents();
    events.client = client;
    events.clock = clock;

    JobChildren children = new JobChildren();
    KueuePods kueuePods = new KueuePods();
    Workloads workloads = new Workloads();
    OrphanedGroups orphans = new OrphanedGroups();
    orphans.kueuePods = kueuePods;
    orphans.clock = clock;
    QueuedJobs queue = new QueuedJobs();
    queue.planner = planner;
    queue.config = config;
    queue.children = children;
    queue.pods = pods;
    queue.kueuePods = kueuePods;
    queue.workloads = workloads;
    queue.metrics = metrics;

    HeteroTrainingJobReconciler r = new HeteroTrainingJobReconciler();
    r.config = config;
    r.observer = observer;
    r.finished = finished;
    r.specCheck = new SpecCheck();
    r.runPolicy = runPolicy;
    r.planning = planning;
    r.children = children;
    r.pods = pods;
    r.statusRecorder = statusRecorder;
    r.events = events;
    r.metrics = metrics;
    r.queue = queue;
    r.workloads = workloads;
    r.orphans = orphans;
    r.dra = dra;
    return r;
  }
}
