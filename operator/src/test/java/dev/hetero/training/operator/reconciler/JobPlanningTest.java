package dev.hetero.training.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.Fixtures;
import dev.hetero.training.operator.metrics.JobMetrics;
import dev.hetero.training.operator.model.JobObservation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The plan step without any API server: keep, plan afresh, re-plan around lost nodes, or give up. */
class JobPlanningTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  final JobPlanning planning = planning();

  static JobPlanning planning() {
    JobPlanning p = new JobPlanning();
    p.planner = new CapacityPlanner(PlannerConfig.defaults());
    p.config = Fixtures.config(Duration.ofSeconds(10), Duration.ofMinutes(2));
    p.ledger = new CapacityLedger();
    p.metrics = JobMetrics.forRegistry(new SimpleMeterRegistry());
    return p;
  }

  static HeteroTrainingJob job(long generation) {
    HeteroTrainingJob job = Fixtures.job("j", "ns");
    job.getMetadata().setUid("uid");
    job.getMetadata().setGeneration(generation);
    return job;
  }

  static JobObservation observe(HeteroTrainingJob job, HeteroTrainingJobStatus status, List<Node> nodes) {
    return new JobObservation(job, status, Map.of(), nodes, List.of(), Optional.empty(), NOW);
  }

  static HeteroTrainingJobStatus running(long generation, List<PlannedWorker> plan) {
    return new HeteroTrainingJobStatus(generation, JobPhase.Running, null, plan, null, null, null, null, null, null, 0,
        null);
  }

  static List<Node> cluster() {
    return List.of(Fixtures.gpuNode("gpu-1", "A100"), Fixtures.cpuNode("cpu-1", "4"), Fixtures.cpuNode("cpu-2", "4"));
  }

  @Test
  void firstReconcilePlansFreshAndAnUnchangedClusterKeepsThePlan() {
    HeteroTrainingJob job = job(1);
    var spec = SpecDefaults.apply(job.getSpec());
    JobPlanning.Outcome first = planning.plan(observe(job, null, cluster()), spec);
    assertThat(first.kind()).isEqualTo(JobPlanning.Kind.FRESH);
    assertThat(first.workers()).hasSize(3);

    JobPlanning.Outcome again = planning.plan(observe(job, running(1, first.workers()), cluster()), spec);
    assertThat(again.kind()).isEqualTo(JobPlanning.Kind.KEPT);
    assertThat(again.workers()).isEqualTo(first.workers());
  }

  @Test
  void aNewGenerationPlansAfresh() {
    HeteroTrainingJob job = job(2);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> old = planning.plan(observe(job(1), null, cluster()), spec).workers();
    assertThat(planning.plan(observe(job, running(1, old), cluster()), spec).kind()).isEqualTo(JobPlanning.Kind.FRESH);
  }

  @Test
  void aLostNodeMovesOnlyItsWorkersAndANotReadyNodeWithinGraceIsWaitedFor() {
    HeteroTrainingJob job = job(1);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> plan = planning.plan(observe(job, null, cluster()), spec).workers();
    String lost = plan.stream().filter(w -> w.pool().equals("cpu")).findFirst().orElseThrow().node();
    List<Node> withoutIt = cluster().stream().filter(n -> !n.getMetadata().getName().equals(lost)).toList();

    JobPlanning.Outcome replanned = planning.plan(observe(job, running(1, plan), withoutIt), spec);
    assertThat(replanned.kind()).isEqualTo(JobPlanning.Kind.REPLANNED);
    assertThat(replanned.lostNodes()).containsExactly(lost);
    Map<String, PlannedWorker> before = plan.stream().collect(Collectors.toMap(PlannedWorker::worker, w -> w));
    for (PlannedWorker w : replanned.workers()) {
      assertThat(w.rank()).isEqualTo(before.get(w.worker()).rank());
      if (!before.get(w.worker()).node().equals(lost)) {
        assertThat(w.node()).as("survivor stays").isEqualTo(before.get(w.worker()).node());
      } else {
        assertThat(w.node()).isNotEqualTo(lost);
      }
    }

    List<Node> blip = cluster();
    blip.stream().filter(n -> n.getMetadata().getName().equals(lost)).forEach(n -> {
      n.getStatus().getConditions().get(0).setStatus("False");
      n.getStatus().getConditions().get(0).setLastTransitionTime(NOW.minusSeconds(30).toString());
    });
    JobPlanning.Outcome waiting = planning.plan(observe(job, running(1, plan), blip), spec);
    assertThat(waiting.kind()).isEqualTo(JobPlanning.Kind.KEPT);
    assertThat(waiting.recheckAt()).contains(NOW.plusSeconds(90));
  }

  @Test
  void noRoomLeftIsUnschedulableWithThePlannersMessage() {
    HeteroTrainingJob job = job(1);
    var spec = SpecDefaults.apply(job.getSpec());
    JobPlanning.Outcome outcome = planning.plan(observe(job, null, List.of(Fixtures.cpuNode("cpu-1", "4"))), spec);
    assertThat(outcome.kind()).isEqualTo(JobPlanning.Kind.UNSCHEDULABLE);
    assertThat(outcome.workers()).isEmpty();
    assertThat(outcome.message()).contains("pool gpu");
  }

  @Test
  void jobsPlannedAtOnceDoNotShareCapacityTheCacheDoesNotShowAsTakenYet() {
    // One GPU in the cluster; two jobs each want it, and neither's pods are in the cache yet.
    HeteroTrainingJob first = Fixtures.job("first", "ns");
    first.getMetadata().setUid("uid-first");
    first.getMetadata().setGeneration(1L);
    HeteroTrainingJob second = Fixtures.job("second", "ns");
    second.getMetadata().setUid("uid-second");
    second.getMetadata().setGeneration(1L);
    var spec = SpecDefaults.apply(first.getSpec());

    JobPlanning.Outcome a = planning.plan(observe(first, null, cluster()), spec);
    JobPlanning.Outcome b = planning.plan(observe(second, null, cluster()), spec);

    assertThat(a.kind()).isEqualTo(JobPlanning.Kind.FRESH);
    assertThat(b.kind()).isEqualTo(JobPlanning.Kind.UNSCHEDULABLE);
    assertThat(b.message()).contains("pool gpu needs 1 worker");
    // The first job planning again (same UID) is not crowded out by its own reservation.
    assertThat(planning.plan(observe(first, null, cluster()), spec).kind()).isEqualTo(JobPlanning.Kind.FRESH);
  }

  @Test
  void aReservationStopsCountingOnceItsPodIsVisibleOrItExpires() {
    var ledger = new CapacityLedger();
    HeteroTrainingJob job = Fixtures.job("first", "ns");
    var spec = SpecDefaults.apply(job.getSpec());
    PlannedWorker gpuWorker = Fixtures.worker("first-gpu-0", 0, "gpu-1", "gpu", dev.hetero.training.api.v1alpha1.DeviceClass.GPU)
        .withPlacement("gpu-1", 96.0).withWork(64, 1, 1.0);
    ledger.reserve("uid-first", "ns", spec, List.of(gpuWorker), NOW);
    var inventory = dev.hetero.training.operator.model.NodeInventoryBuilder.build(cluster(), List.of(), "uid-other", java.util.Set.of());

    var held = dev.hetero.training.operator.model.ReservedCapacity.subtract(inventory, ledger.snapshot(), List.of(), "uid-other", NOW);
    assertThat(held.stream().filter(n -> n.name().equals("gpu-1")).findFirst().orElseThrow().free().gpus()).isZero();

    var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("first-gpu-0").withNamespace("ns")
        .endMetadata().withNewSpec().withNodeName("gpu-1").endSpec().build();
    var visible = dev.hetero.training.operator.model.ReservedCapacity.subtract(inventory, ledger.snapshot(), List.of(pod), "uid-other", NOW);
    assertThat(visible).isEqualTo(inventory);

    var expired = dev.hetero.training.operator.model.ReservedCapacity.subtract(inventory, ledger.snapshot(), List.of(), "uid-other",
        NOW.plus(CapacityLedger.HOLD).plusSeconds(1));
    assertThat(expired).isEqualTo(inventory);
  }

  static io.fabric8.kubernetes.api.model.Pod unschedulablePod(String name, Instant since) {
    return new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(name + "-uid")
        .endMetadata().withNewSpec().endSpec().withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withLastTransitionTime(since.toString()).endCondition().endStatus().build();
  }

  @Test
  void aWorkerTheSchedulerRefusesPastTheGraceIsMovedAndTheOthersStay() {
    HeteroTrainingJob job = job(1);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> plan = planning.plan(observe(job, null, cluster()), spec).workers();
    PlannedWorker stuck = plan.stream().filter(w -> w.pool().equals("cpu")).findFirst().orElseThrow();
    Map<String, dev.hetero.training.operator.model.WorkerPodState> pods = Map.of(stuck.worker(),
        dev.hetero.training.operator.model.WorkerPodState.of(unschedulablePod(stuck.worker(), NOW.minus(Duration.ofMinutes(3))), NOW));

    JobPlanning.Outcome moved = planning.plan(new JobObservation(job, running(1, plan), pods, cluster(), List.of(), Optional.empty(), NOW),
        spec);

    assertThat(moved.kind()).isEqualTo(JobPlanning.Kind.MOVED);
    assertThat(moved.lostNodes()).as("not a node loss: no restart is counted").isEmpty();
    assertThat(moved.message()).contains(stuck.worker()).contains(stuck.node());
    Map<String, PlannedWorker> after = moved.workers().stream().collect(Collectors.toMap(PlannedWorker::worker, w -> w));
    assertThat(after.get(stuck.worker()).node()).isNotEqualTo(stuck.node());
    plan.stream().filter(w -> !w.node().equals(stuck.node()))
        .forEach(w -> assertThat(after.get(w.worker()).node()).as(w.worker()).isEqualTo(w.node()));
  }

  @Test
  void aWorkerRefusedMoreRecentlyThanTheGraceIsWaitedFor() {
    HeteroTrainingJob job = job(1);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> plan = planning.plan(observe(job, null, cluster()), spec).workers();
    PlannedWorker stuck = plan.get(1);
    Instant since = NOW.minus(Duration.ofSeconds(30));
    var pods = Map.of(stuck.worker(), dev.hetero.training.operator.model.WorkerPodState.of(unschedulablePod(stuck.worker(), since), NOW));

    JobPlanning.Outcome kept = planning.plan(new JobObservation(job, running(1, plan), pods, cluster(), List.of(), Optional.empty(), NOW),
        spec);

    assertThat(kept.kind()).isEqualTo(JobPlanning.Kind.KEPT);
    assertThat(kept.recheckAt()).contains(since.plus(Duration.ofMinutes(2)));
  }

  /** An elastic job (unless {@code elastic} is false) with one auto CPU pool of 1 to 3 workers of 4 cores each. */
  static HeteroTrainingJob autoJob(boolean elastic, boolean queued) {
    var yaml = dev.hetero.training.api.testing.JobYaml.named("e").namespace("ns").epochs(1).perWorkerBatch(64)
        .dataPath("/data/fashion-mnist").spec("runPolicy", "{elastic: " + elastic + "}")
        .pool("{name: cpu, deviceClass: cpu, minReplicas: 1, maxReplicas: 3, cpusPerWorker: 4}");
    if (queued) {
      yaml = yaml.label("kueue.x-k8s.io/queue-name", "team");
    }
    HeteroTrainingJob job = yaml.job();
    job.getMetadata().setUid("uid-e");
    job.getMetadata().setGeneration(1L);
    return job;
  }

  static List<Node> cpuNodes(String... names) {
    return java.util.Arrays.stream(names).map(n -> Fixtures.cpuNode(n, "4")).toList();
  }

  /** Every worker of the plan has a Running pod. */
  static Map<String, dev.hetero.training.operator.model.WorkerPodState> allRunning(List<PlannedWorker> plan) {
    return plan.stream().collect(Collectors.toMap(PlannedWorker::worker, w -> dev.hetero.training.operator.model.WorkerPodState.of(
        new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(w.worker()).withNamespace("ns")
            .withUid(w.worker() + "-uid").endMetadata().withNewSpec().withNodeName(w.node()).endSpec()
            .withNewStatus().withPhase("Running").endStatus().build(), NOW)));
  }

  static JobObservation observeRunning(HeteroTrainingJob job, List<PlannedWorker> plan, List<Node> nodes) {
    return new JobObservation(job, running(1, plan), allRunning(plan), nodes, List.of(), Optional.empty(), NOW);
  }

  @Test
  void anElasticJobGrowsIntoNewNodesKeepingItsRunningWorkerAndThenKeepsThePlan() {
    HeteroTrainingJob job = autoJob(true, false);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> first = planning.plan(observe(job, null, cpuNodes("cpu-1")), spec).workers();
    assertThat(first).extracting(PlannedWorker::worker).containsExactly("e-cpu-0");

    JobPlanning.Outcome grown = planning.plan(observeRunning(job, first, cpuNodes("cpu-1", "cpu-2", "cpu-3")), spec);

    assertThat(grown.kind()).isEqualTo(JobPlanning.Kind.GROWN);
    assertThat(grown.workers()).extracting(w -> w.worker() + "@" + w.node() + "#" + w.rank())
        .containsExactly("e-cpu-0@cpu-1#0", "e-cpu-1@cpu-2#1", "e-cpu-2@cpu-3#2");
    assertThat(grown.message()).isEqualTo("pool cpu grew from 1 to 3 workers: cpu-2, cpu-3 have room");
    assertThat(grown.lostNodes()).as("no restart to count").isEmpty();
    assertThat(grown.workers().stream().mapToDouble(PlannedWorker::weight).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    // No flapping: the same cluster, the grown plan running, nothing changes.
    assertThat(planning.plan(observeRunning(job, grown.workers(), cpuNodes("cpu-1", "cpu-2", "cpu-3")), spec).kind())
        .isEqualTo(JobPlanning.Kind.KEPT);
  }

  @Test
  void aBiggerNodeAppearingAddsWorkersThereWithoutMovingTheRunningOne() {
    // Found on real nodes: a fresh plan of the whole job puts both workers on the new node with room for
    // two (fastest-first), which would move the running one; growth must place only the missing workers.
    HeteroTrainingJob job = autoJob(true, false);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> first = planning.plan(observe(job, null, cpuNodes("small")), spec).workers();
    assertThat(first).extracting(w -> w.worker() + "@" + w.node()).containsExactly("e-cpu-0@small");
    List<Node> nodes = List.of(Fixtures.cpuNode("small", "4"), Fixtures.cpuNode("big", "8"));

    JobPlanning.Outcome grown = planning.plan(observeRunning(job, first, nodes), spec);

    assertThat(grown.kind()).isEqualTo(JobPlanning.Kind.GROWN);
    assertThat(grown.workers()).extracting(w -> w.worker() + "@" + w.node() + "#" + w.rank())
        .containsExactly("e-cpu-0@small#0", "e-cpu-1@big#1", "e-cpu-2@big#2");
    assertThat(grown.workers()).allSatisfy(w -> assertThat(w.batchSize()).isPositive());
  }

  @Test
  void growthWaitsUntilTheJobTrainsAndIsOnlyForUnqueuedElasticJobs() {
    List<Node> more = cpuNodes("cpu-1", "cpu-2");
    HeteroTrainingJob elastic = autoJob(true, false);
    var spec = SpecDefaults.apply(elastic.getSpec());
    List<PlannedWorker> first = planning.plan(observe(elastic, null, cpuNodes("cpu-1")), spec).workers();

    assertThat(planning.plan(observe(elastic, running(1, first), more), spec).kind()).as("its pod is not running yet")
        .isEqualTo(JobPlanning.Kind.KEPT);
    var planned = new HeteroTrainingJobStatus(1L, JobPhase.Planned, null, first, null, null, null, null, null, null, 0, null);
    assertThat(planning.plan(new JobObservation(elastic, planned, allRunning(first), more, List.of(), Optional.empty(), NOW), spec)
        .kind()).as("not Running yet").isEqualTo(JobPlanning.Kind.KEPT);
    HeteroTrainingJob fixed = autoJob(false, false);
    assertThat(planning.plan(observeRunning(fixed, first, more), SpecDefaults.apply(fixed.getSpec())).kind())
        .as("not elastic").isEqualTo(JobPlanning.Kind.KEPT);
    HeteroTrainingJob queued = autoJob(true, true);
    assertThat(planning.plan(observeRunning(queued, first, more), SpecDefaults.apply(queued.getSpec())).kind())
        .as("queued: elastic is ignored").isEqualTo(JobPlanning.Kind.KEPT);
    assertThat(planning.plan(observeRunning(elastic, first, more), spec).kind()).isEqualTo(JobPlanning.Kind.GROWN);
  }

  @Test
  void aJobWithAsyncSamPairsDoesNotGrowTheTrainerKeepsItsMembershipFixed() {
    HeteroTrainingJob job = dev.hetero.training.api.testing.JobYaml.named("sam").namespace("ns").epochs(1).perWorkerBatch(64)
        .dataPath("/data/fashion-mnist").spec("runPolicy", "{elastic: true}")
        .training("optimizer", "{method: asyncSAM, asyncSAM: {helperPool: helper}}")
        .pool("{name: cpu, deviceClass: cpu, minReplicas: 1, maxReplicas: 3, cpusPerWorker: 4}")
        .pool("{name: helper, deviceClass: cpu, replicas: 1, cpusPerWorker: 1}").job();
    job.getMetadata().setUid("uid-sam");
    job.getMetadata().setGeneration(1L);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> first = planning.plan(observe(job, null, List.of(Fixtures.cpuNode("cpu-1", "5"))), spec).workers();
    assertThat(first).filteredOn(PlannedWorker::helper).hasSize(1);

    JobPlanning.Outcome outcome = planning.plan(observeRunning(job, first, List.of(Fixtures.cpuNode("cpu-1", "5"),
        Fixtures.cpuNode("cpu-2", "4"), Fixtures.cpuNode("cpu-3", "4"))), spec);
    assertThat(outcome.kind()).isEqualTo(JobPlanning.Kind.KEPT);
  }

  @Test
  void growthNeverMovesARunningWorker() {
    HeteroTrainingJob job = autoJob(true, false);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> first = planning.plan(observe(job, null, cpuNodes("cpu-1")), spec).workers();
    // Three nodes as good as cpu-1 that sort before it: a fresh plan would fill them and leave cpu-1 out;
    // growth keeps the running worker on cpu-1 and places only the two it lacks.
    JobPlanning.Outcome outcome = planning.plan(observeRunning(job, first, cpuNodes("a-1", "a-2", "a-3", "cpu-1")), spec);
    assertThat(outcome.kind()).isEqualTo(JobPlanning.Kind.GROWN);
    assertThat(outcome.workers()).extracting(w -> w.worker() + "@" + w.node() + "#" + w.rank())
        .containsExactly("e-cpu-0@cpu-1#0", "e-cpu-1@a-1#1", "e-cpu-2@a-2#2");
  }

  @Test
  void aNodeLossShrinksAnAutoPoolAroundTheSurvivorsWithoutRecreatingThem() {
    HeteroTrainingJob job = autoJob(false, false);
    var spec = SpecDefaults.apply(job.getSpec());
    List<PlannedWorker> three = planning.plan(observe(job, null, cpuNodes("cpu-1", "cpu-2", "cpu-3")), spec).workers();
    assertThat(three).hasSize(3);
    PlannedWorker doomed = three.get(1);
    List<Node> left = cpuNodes("cpu-1", "cpu-2", "cpu-3").stream()
        .filter(n -> !n.getMetadata().getName().equals(doomed.node())).toList();

    JobPlanning.Outcome shrunk = planning.plan(observeRunning(job, three, left), spec);

    assertThat(shrunk.kind()).isEqualTo(JobPlanning.Kind.REPLANNED);
    assertThat(shrunk.lostNodes()).containsExactly(doomed.node());
    List<PlannedWorker> survivors = three.stream().filter(w -> w != doomed).toList();
    assertThat(shrunk.workers()).extracting(w -> w.worker() + "@" + w.node())
        .containsExactlyElementsOf(survivors.stream().map(w -> w.worker() + "@" + w.node()).toList());
    assertThat(shrunk.workers()).extracting(PlannedWorker::rank).containsExactly(0, 1);
    assertThat(shrunk.message()).contains("pool cpu 3 -> 2 workers; the other workers keep running");

    // The coordinator's node lost: the coordinator moves anyway, the whole plan is made again.
    List<Node> withoutRankZero = cpuNodes("cpu-1", "cpu-2", "cpu-3").stream()
        .filter(n -> !n.getMetadata().getName().equals(three.get(0).node())).toList();
    JobPlanning.Outcome again = planning.plan(observeRunning(job, three, withoutRankZero), spec);
    assertThat(again.kind()).isEqualTo(JobPlanning.Kind.REPLANNED);
    assertThat(again.message()).contains("planned every worker again");
  }
}
