package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEndpoints;
import dev.hetero.training.api.contract.WorkerEnvironment;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkerPodFactoryTest {
  static final HeteroTrainingJob JOB = job();
  static final PlanDocument PLAN = plan(JOB);
  static final PlannedWorker GPU = worker("mnist-gpu-0");
  static final PlannedWorker CPU = worker("mnist-cpu-1");

  static HeteroTrainingJob job() {
    HeteroTrainingJob job = Fixtures.job("mnist", "team-a");
    job.getMetadata().setUid("uid-1");
    return job;
  }

  /** The planner's answer for the mixed job on one GPU node and one CPU node. */
  static PlanDocument plan(HeteroTrainingJob job) {
    var spec = SpecDefaults.apply(job.getSpec());
    var nodes = NodeInventoryBuilder.build(
        List.of(Fixtures.gpuNode("gpu-node", "NVIDIA-A100"), Fixtures.cpuNode("cpu-node", "8")), List.of(), "uid-1",
        java.util.Set.of());
    var placed = (PlanResult.Placed) new CapacityPlanner(PlannerConfig.defaults()).plan("mnist", spec, nodes);
    return new PlanDocument("mnist", "team-a", 1, spec, placed.workers());
  }

  static PlannedWorker worker(String name) {
    return PLAN.worker(name).orElseThrow();
  }

  static Pod build(PlannedWorker w) {
    return build(PLAN, w);
  }

  static Pod build(PlanDocument plan, PlannedWorker w) {
    return WorkerPodFactory.create(new WorkerPodFactory.JobRef(JOB, plan, "img:1"), w);
  }

  static Map<String, EnvVar> env(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void gpuPoolsTakeTheGpuImageCpuPoolsTheTrainerImageAndAPoolsOwnImageWins() {
    var ref = new WorkerPodFactory.JobRef(JOB, PLAN, "img:1", "img:1-cu124");
    assertThat(WorkerPodFactory.create(ref, GPU).getSpec().getContainers().get(0).getImage()).isEqualTo("img:1-cu124");
    assertThat(WorkerPodFactory.create(ref, CPU).getSpec().getContainers().get(0).getImage()).isEqualTo("img:1");
    assertThat(build(GPU).getSpec().getContainers().get(0).getImage()).as("no GPU image configured: the trainer image")
        .isEqualTo("img:1");
    assertThat(ref.imageFor(new dev.hetero.training.api.v1alpha1.PoolSpec("own", dev.hetero.training.api.v1alpha1.DeviceClass.GPU,
        1, null, null, null, null, null, null, null, null, null, "mine:2", null))).isEqualTo("mine:2");
    // The image is part of the template hash: configuring a GPU image moves running GPU workers to it.
    assertThat(WorkerPodFactory.create(ref, GPU).getMetadata().getAnnotations().get(PodTemplateHash.ANNOTATION))
        .isNotEqualTo(build(GPU).getMetadata().getAnnotations().get(PodTemplateHash.ANNOTATION));
  }

  @Test
  void gpuWorkersGetTheNvidiaRuntimesCapabilitiesAndEveryWorkerLeavesItsLastWords() {
    assertThat(env(build(GPU))).containsKey("NVIDIA_DRIVER_CAPABILITIES").doesNotContainKey("NVIDIA_VISIBLE_DEVICES");
    assertThat(env(build(GPU)).get("NVIDIA_DRIVER_CAPABILITIES").getValue()).isEqualTo("compute,utility");
    assertThat(env(build(CPU))).doesNotContainKey("NVIDIA_DRIVER_CAPABILITIES");
    assertThat(build(CPU).getSpec().getContainers().get(0).getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
  }

  /**
   * The contract with the trainer: a pod's variables are exactly WorkerEnvironment.of for the
   * same plan (the trainer's own test checks its side against the same function), except the two
   * the pod takes by reference: the namespace (downward API) and the token (the job's Secret).
   */
  @Test
  void podEnvironmentIsExactlyTheOneWorkerEnvironmentForThePlan() {
    for (PlannedWorker w : PLAN.workers()) {
      int threads = w.pool().equals("cpu") ? 2 : 1;
      WorkerEndpoints endpoints = new WorkerEndpoints("mnist-gpu-0.mnist-workers.team-a.svc:29500",
          "/etc/hetero/plan/plan.json", "/var/lib/hetero/checkpoints", "/data/fashion-mnist", "/var/cache/hetero/djl", "/tmp",
          "9400");
      Map<String, String> expected = new LinkedHashMap<>(WorkerEnvironment.of(PLAN, w, endpoints, threads));
      List<EnvVar> env = build(w).getSpec().getContainers().get(0).getEnv();

      assertThat(env).extracting(EnvVar::getName).as(w.worker())
          .containsExactlyElementsOf(append(expected.keySet(), "HTJ_TOKEN"));
      Map<String, String> literal = new LinkedHashMap<>();
      env.stream().filter(e -> e.getValueFrom() == null).forEach(e -> literal.put(e.getName(), e.getValue()));
      expected.remove("HTJ_NAMESPACE");
      assertThat(literal).as(w.worker()).isEqualTo(expected);
      Map<String, EnvVar> byName = env(build(w));
      assertThat(byName.get("HTJ_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
      assertThat(byName.get("HTJ_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("mnist-token");
      assertThat(byName.get("HTJ_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
      assertThat(byName.get("HTJ_TOKEN").getValue()).isNull();
    }
  }

  private static List<String> append(java.util.Collection<String> names, String last) {
    List<String> all = new java.util.ArrayList<>(names);
    all.add(last);
    return all;
  }

  @Test
  void theWorkersWorkIsInThePlanNotInTheEnvironment() {
    Map<String, EnvVar> env = env(build(CPU));
    assertThat(env).doesNotContainKeys("RANK", "WORLD_SIZE", "POOL", "DEVICE_CLASS", "BATCH_SIZE", "LOCAL_STEPS", "AGG_WEIGHT");
    assertThat(env.get("HTJ_WORKER_NAME").getValue()).isEqualTo("mnist-cpu-1");
    assertThat(PLAN.worker(env.get("HTJ_WORKER_NAME").getValue())).contains(CPU);
  }

  @Test
  void coordinatorPodIsTheStatusReporterAndGetsItsGpu() {
    assertThat(GPU.rank()).as("the planner puts the GPU worker first").isZero();
    Pod pod = build(GPU);
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("mnist-trainer");
    assertThat(pod.getSpec().getHostname()).isEqualTo("mnist-gpu-0");
    assertThat(pod.getSpec().getSubdomain()).isEqualTo("mnist-workers");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "coordinator");
    Container c = pod.getSpec().getContainers().get(0);
    assertThat(c.getArgs()).containsExactly("worker");
    assertThat(c.getImage()).isEqualTo("img:1");
    assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(c.getResources().getRequests()).containsEntry("nvidia.com/gpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("2Gi"));
  }

  @Test
  void theCoordinatorMountsTheCheckpointClaimAndGetsTheSpecsGracePeriod() {
    // Default spec.checkpoint: the operator's claim <job>-checkpoints, 60 s to checkpoint after SIGTERM.
    Pod coordinator = build(GPU);
    assertThat(coordinator.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("checkpoints")).singleElement()
        .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("mnist-checkpoints"));
    assertThat(coordinator.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(60L);
    assertThat(env(coordinator).get("HTJ_TERMINATION_GRACE_SECONDS").getValue()).isEqualTo("60");
    assertThat(coordinator.getSpec().getContainers().get(0).getVolumeMounts()).filteredOn(m -> m.getName().equals("checkpoints"))
        .singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo(env(coordinator).get("HTJ_CHECKPOINT_DIR").getValue()));
    // The other workers write no checkpoint: an empty directory at the same path, the default grace period.
    Pod worker = build(CPU);
    assertThat(worker.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("checkpoints")).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(worker.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
  }

  @Test
  void anExplicitEmptyDirKeepsItsSizeLimitAndTheGracePeriodFollowsTheSpec() {
    HeteroTrainingJob job = Fixtures.mixed("mnist", "team-a").spec("checkpoint", "{emptyDir: {sizeLimit: 256Mi},"
        + " terminationGracePeriodSeconds: 120}").job();
    job.getMetadata().setUid("uid-1");
    PlanDocument plan = plan(job);
    Pod coordinator = WorkerPodFactory.create(new WorkerPodFactory.JobRef(job, plan, "img:1"), plan.coordinator().orElseThrow());
    assertThat(coordinator.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("checkpoints")).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("256Mi")));
    assertThat(coordinator.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(120L);
    assertThat(env(coordinator).get("HTJ_TERMINATION_GRACE_SECONDS").getValue()).isEqualTo("120");
  }

  @Test
  void cpuWorkerGetsThreadsFromItsCpuLimitAndNoToken() {
    Pod pod = build(CPU);
    Map<String, EnvVar> env = env(pod);
    assertThat(env.get("PYTORCH_NUM_THREADS").getValue()).isEqualTo("2");
    assertThat(env.get("OMP_NUM_THREADS").getValue()).isEqualTo("2");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getMetadata().getLabels()).containsEntry("training.hetero.dev/rank", String.valueOf(CPU.rank()))
        .containsEntry("training.hetero.dev/pool", "cpu").containsEntry("app.kubernetes.io/component", "worker");
    assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits()).containsEntry("cpu", new Quantity("2"))
        .doesNotContainKey("nvidia.com/gpu");
  }

  @Test
  void podIsPinnedToItsNodeRestrictedAndNeverRestartedByTheKubelet() {
    Pod pod = build(CPU);
    var term = pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms();
    assertThat(term).singleElement().satisfies(t -> assertThat(t.getMatchFields()).singleElement().satisfies(f -> {
      assertThat(f.getKey()).isEqualTo("metadata.name");
      assertThat(f.getOperator()).isEqualTo("In");
      assertThat(f.getValues()).containsExactly("cpu-node");
    }));
    assertThat(PodResources.pinnedNode(pod)).contains("cpu-node");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    var psc = pod.getSpec().getSecurityContext();
    assertThat(psc.getRunAsNonRoot()).isTrue();
    assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // The pod runs as the image's own user (image.properties "user=uid:gid"), so its files and the cache mount agree.
    String imageUser = imageProperty("user");
    assertThat(psc.getRunAsUser() + ":" + psc.getRunAsGroup()).isEqualTo(imageUser);
    var sc = pod.getSpec().getContainers().get(0).getSecurityContext();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
        .contains("/etc/hetero/plan", "/var/cache/hetero", "/tmp");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getUid()).isEqualTo("uid-1");
      assertThat(o.getController()).isTrue();
    });
  }

  /**
   * What forces a pod to be recreated: identity, placement, being the coordinator; never the work a
   * re-plan changes, another rank, or another world size (a pool grown or shrunk around the worker).
   */
  @Test
  void templateHashChangesWithNodeOrCoordinatorButNotWithRankWorldSizeOrWork() {
    String base = hash(build(CPU));
    PlannedWorker otherWork = CPU.withWork(128, 3, 0.3);
    assertThat(hash(build(replace(otherWork), otherWork))).isEqualTo(base);
    PlannedWorker moved = CPU.withPlacement("other-node", CPU.capacity());
    assertThat(hash(build(replace(moved), moved))).isNotEqualTo(base);
    PlannedWorker renumbered = CPU.withRank(7);
    assertThat(hash(build(replace(renumbered), renumbered))).as("renumbered: it reads its rank from the plan").isEqualTo(base);
    PlanDocument smaller = new PlanDocument("mnist", "team-a", 2, PLAN.spec(),
        PLAN.workers().stream().filter(w -> !w.worker().equals("mnist-cpu-0")).toList());
    assertThat(hash(build(smaller, CPU))).as("a pool shrank around it").isEqualTo(base);
    List<PlannedWorker> grownWorkers = new java.util.ArrayList<>(PLAN.workers());
    grownWorkers.add(new PlannedWorker("mnist-cpu-9", PLAN.workers().size(), "cpu-node", "cpu", CPU.deviceClass(), CPU.capacity(),
        CPU.batchSize(), CPU.localSteps(), CPU.weight(), CPU.role(), CPU.sampling(), null));
    PlanDocument grown = new PlanDocument("mnist", "team-a", 3, PLAN.spec(), grownWorkers);
    assertThat(hash(build(grown, CPU))).as("a pool grew around it").isEqualTo(base);
  }

  /** Rank 0 runs the coordinator (checkpoint volume, token, grace): who holds it is part of both pods' identity. */
  @Test
  void aChangeOfWhoIsRankZeroRecreatesBothPodsConcerned() {
    PlannedWorker coordinator = PLAN.coordinator().orElseThrow();
    PlannedWorker other = PLAN.workers().stream().filter(w -> w.rank() != 0).findFirst().orElseThrow();
    String coordinatorBefore = hash(build(coordinator));
    String otherBefore = hash(build(other));
    PlanDocument swapped = new PlanDocument("mnist", "team-a", 2, PLAN.spec(), PLAN.workers().stream()
        .map(w -> w.worker().equals(coordinator.worker()) ? w.withRank(other.rank())
            : w.worker().equals(other.worker()) ? w.withRank(0) : w).toList());
    assertThat(hash(build(swapped, swapped.worker(coordinator.worker()).orElseThrow()))).isNotEqualTo(coordinatorBefore);
    assertThat(hash(build(swapped, swapped.worker(other.worker()).orElseThrow()))).isNotEqualTo(otherBefore);
    // Even with the same coordinator address (the hash alone): being rank 0 or not is in it, other ranks are not.
    assertThat(PodTemplateHash.of(other.withRank(0), false, false, 3, "img:1", "addr"))
        .isNotEqualTo(PodTemplateHash.of(other, false, false, 3, "img:1", "addr"));
    assertThat(PodTemplateHash.of(other.withRank(5), false, false, 9, "img:1", "addr"))
        .isEqualTo(PodTemplateHash.of(other, false, false, 3, "img:1", "addr"));
    assertThat(PodTemplateHash.of(other.withRank(5), true, false, 3, "img:1", "addr"))
        .as("queued: rank and world size stay in the hash").isNotEqualTo(PodTemplateHash.of(other, true, false, 3, "img:1", "addr"));
    assertThat(PodTemplateHash.of(other.withRank(5), false, true, 3, "img:1", "addr"))
        .as("asyncSAM pairs: rank stays in the hash").isNotEqualTo(PodTemplateHash.of(other, false, true, 3, "img:1", "addr"));
    assertThat(PodTemplateHash.of(other, false, true, 3, "img:1", "addr")).isEqualTo(Hashes.shortHash(String.join("|",
        other.worker(), String.valueOf(other.rank()), other.node(), other.pool(), "3", "img:1", "addr")));
    // A queued pod's hash is what it was before elastic pools: an operator upgrade recreates no pod of an admitted group.
    assertThat(PodTemplateHash.of(other, true, false, 3, "img:1", "addr")).isEqualTo(Hashes.shortHash(String.join("|",
        other.worker(), String.valueOf(other.rank()), "null", other.pool(), "3", "img:1", "addr")));
  }

  private static PlanDocument replace(PlannedWorker changed) {
    return new PlanDocument("mnist", "team-a", 2, PLAN.spec(),
        PLAN.workers().stream().map(w -> w.worker().equals(changed.worker()) ? changed : w).toList());
  }

  private static String hash(Pod pod) {
    return pod.getMetadata().getAnnotations().get(PodTemplateHash.ANNOTATION);
  }

  private static String imageProperty(String key) {
    var file = java.nio.file.Path.of("").toAbsolutePath().getParent().resolve("trainer-image/src/image/image.properties");
    var props = new java.util.Properties();
    try (var in = java.nio.file.Files.newInputStream(file)) {
      props.load(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return props.getProperty(key);
  }
}
