package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.testing.JobYaml;

import static dev.hetero.training.operator.reconciler.MockServerSupport.await;
import static dev.hetero.training.operator.reconciler.MockServerSupport.events;
import static dev.hetero.training.operator.reconciler.MockServerSupport.job;
import static dev.hetero.training.operator.reconciler.MockServerSupport.phase;
import static dev.hetero.training.operator.reconciler.MockServerSupport.setAllRunning;
import static dev.hetero.training.operator.reconciler.MockServerSupport.setPodPhase;
import static dev.hetero.training.operator.reconciler.MockServerSupport.workerPods;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import dev.hetero.training.operator.Fixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler inside a real Java Operator SDK runtime against the Fabric8 mock API server in
 * CRUD mode. The test plays the kubelet (pod phases) and the user (spec edits, node loss).
 */
@EnableKubernetesMockClient(crud = true)
class ReconcilerMockServerTest {
  static final String NS = "ml";
  static final Duration WAIT = Duration.ofSeconds(15);

  KubernetesMockServer server;
  KubernetesClient client;
  MockOperator operator;

  @BeforeEach
  void setUp() throws Exception {
    operator = MockServerSupport.startOnMixedNodes(client);
  }

  @AfterEach
  void tearDown() {
    if (operator != null) {
      operator.close();
    }
  }

  private HeteroTrainingJob create(HeteroTrainingJob job) {
    return client.resource(job).create();
  }

  private void awaitPods(String job, int count) {
    await(count + " pods of " + job, WAIT, () -> workerPods(client, NS, job).size() == count);
  }

  @Test
  void jobProducesExactlyTheExpectedChildrenEnvironmentAndAffinity() {
    HeteroTrainingJob job = create(Fixtures.job("demo", NS));
    awaitPods("demo", 3);
    await("phase Planned", WAIT, () -> phase(client, NS, "demo") == JobPhase.Planned);
    String uid = job.getMetadata().getUid();

    Service service = client.services().inNamespace(NS).withName("demo-workers").get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSelector()).containsEntry("training.hetero.dev/job", "demo");
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(29500);
    Secret secret = client.secrets().inNamespace(NS).withName("demo-token").get();
    String token = secret.getData() != null && secret.getData().containsKey("token")
        ? secret.getData().get("token") : secret.getStringData().get("token");
    assertThat(token).isNotBlank();
    ServiceAccount sa = client.serviceAccounts().inNamespace(NS).withName("demo-trainer").get();
    Role role = client.rbac().roles().inNamespace(NS).withName("demo-trainer").get();
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("training.hetero.dev");
      assertThat(rule.getResources()).containsExactly("heterotrainingjobs/status");
      assertThat(rule.getResourceNames()).containsExactly("demo");
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "patch");
    });
    RoleBinding binding = client.rbac().roleBindings().inNamespace(NS).withName("demo-trainer").get();
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("demo-trainer"));
    ConfigMap cm = client.configMaps().inNamespace(NS).withName("demo-plan").get();
    PlanDocument plan = PlanCodec.fromJson(cm.getData().get("plan.json"));
    assertThat(plan.workers()).hasSize(3);
    assertThat(plan.planVersion()).isEqualTo(1);

    List<HasMetadata> children = List.of(service, secret, sa, role, binding, cm);
    for (HasMetadata child : children) {
      assertThat(child.getMetadata().getOwnerReferences()).as(child.getKind())
          .anySatisfy(o -> assertThat(o.getUid()).isEqualTo(uid));
      assertThat(child.getMetadata().getLabels()).as(child.getKind())
          .containsEntry("app.kubernetes.io/managed-by", "hetero-training-operator")
          .containsEntry("app.kubernetes.io/instance", "demo")
          .containsKey("app.kubernetes.io/component");
    }
    // Exactly these children: nothing else labelled as belonging to the job.
    assertThat(client.configMaps().inNamespace(NS).withLabel("training.hetero.dev/job", "demo").list().getItems()).hasSize(1);
    assertThat(client.secrets().inNamespace(NS).withLabel("training.hetero.dev/job", "demo").list().getItems()).hasSize(1);
    assertThat(client.services().inNamespace(NS).withLabel("training.hetero.dev/job", "demo").list().getItems()).hasSize(1);

    Map<String, PlannedWorker> planned = job(client, NS, "demo").getStatus().plan().stream()
        .collect(Collectors.toMap(PlannedWorker::worker, w -> w));
    assertThat(planned.keySet()).containsExactlyInAnyOrder("demo-gpu-0", "demo-cpu-0", "demo-cpu-1");
    String coordinator = planned.values().stream().filter(w -> w.rank() == 0).findFirst().orElseThrow().worker();
    for (Pod pod : workerPods(client, NS, "demo")) {
      PlannedWorker w = planned.get(pod.getMetadata().getName());
      Map<String, EnvVar> env = pod.getSpec().getContainers().get(0).getEnv().stream()
          .collect(Collectors.toMap(EnvVar::getName, e -> e));
      // The worker finds its work in the mounted plan by its name: exactly the status' plan entry.
      assertThat(env.get("HTJ_WORKER_NAME").getValue()).isEqualTo(pod.getMetadata().getName());
      assertThat(plan.worker(pod.getMetadata().getName())).contains(w);
      assertThat(env).doesNotContainKeys("RANK", "WORLD_SIZE", "BATCH_SIZE", "LOCAL_STEPS", "AGG_WEIGHT");
      assertThat(env.get("COORDINATOR_ADDR").getValue()).isEqualTo(coordinator + ".demo-workers.ml.svc:29500");
      assertThat(env.get("HTJ_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("demo-token");
      assertThat(env.get("HTJ_PLAN_FILE").getValue()).isEqualTo("/etc/hetero/plan/plan.json");
      assertThat(env.get("DJL_OFFLINE").getValue()).isEqualTo("true");
      assertThat(env.get("OMP_WAIT_POLICY").getValue()).isEqualTo("PASSIVE");
      assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
      assertThat(pod.getSpec().getAutomountServiceAccountToken()).isEqualTo(w.rank() == 0);
      assertThat(pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
          .getNodeSelectorTerms().get(0).getMatchFields().get(0).getValues()).containsExactly(w.node());
      assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(uid));
      assertThat(pod.getMetadata().getLabels()).containsEntry("training.hetero.dev/rank", String.valueOf(w.rank()))
          .containsEntry("training.hetero.dev/pool", w.pool());
      if (w.pool().equals("gpu")) {
        assertThat(w.node()).isEqualTo("gpu-node-1");
        assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(pod.getSpec().getContainers().get(0).getImage()).as("HETERO_TRAINER_GPU_IMAGE")
            .isEqualTo("registry.example/trainer:test-cuda");
        assertThat(env.get("NVIDIA_DRIVER_CAPABILITIES").getValue()).isEqualTo("compute,utility");
        assertThat(env).doesNotContainKey("NVIDIA_VISIBLE_DEVICES");
      } else {
        assertThat(env.get("OMP_NUM_THREADS").getValue()).isEqualTo("2");
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example/trainer:test");
        assertThat(env).doesNotContainKey("NVIDIA_DRIVER_CAPABILITIES");
      }
    }
    assertThat(events(client, NS, "Planned")).isEqualTo(1);
  }

  @Test
  void statusMovesFromPlannedToRunningToSucceededAndKeepsTheTrainersFields() {
    create(Fixtures.job("phases", NS));
    awaitPods("phases", 3);
    await("Planned", WAIT, () -> phase(client, NS, "phases") == JobPhase.Planned);
    // The trainer reports progress under its own field manager; the operator must not erase it.
    client.resources(HeteroTrainingJob.class).inNamespace(NS).withName("phases").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"training\":{\"round\":7,\"epoch\":0.5}}}");
    setAllRunning(client, NS, "phases");
    await("Running", WAIT, () -> phase(client, NS, "phases") == JobPhase.Running);
    HeteroTrainingJob running = job(client, NS, "phases");
    assertThat(condition(running, "Running").status()).isEqualTo("True");
    assertThat(condition(running, "Planned").status()).isEqualTo("True");
    assertThat(running.getStatus().observedGeneration()).isEqualTo(running.getMetadata().getGeneration());
    assertThat(running.getStatus().training()).isNotNull();
    assertThat(running.getStatus().training().round()).isEqualTo(7L);
    assertThat(running.getStatus().workersReady()).isEqualTo("3/3");

    Pod coordinator = workerPods(client, NS, "phases").stream()
        .filter(p -> "0".equals(p.getMetadata().getLabels().get("training.hetero.dev/rank"))).findFirst().orElseThrow();
    setPodPhase(client, coordinator, "Succeeded", "Completed", 0);
    await("Succeeded", WAIT, () -> phase(client, NS, "phases") == JobPhase.Succeeded);
    HeteroTrainingJob done = job(client, NS, "phases");
    assertThat(done.getStatus().completionTime()).isNotNull();
    assertThat(condition(done, "Succeeded").status()).isEqualTo("True");
    assertThat(condition(done, "Running").status()).isEqualTo("False");
    assertThat(done.getStatus().training().round()).isEqualTo(7L);
    // cleanPodPolicy Running: the still-running workers go, the finished coordinator stays.
    await("running workers deleted", WAIT, () -> workerPods(client, NS, "phases").size() == 1);
    assertThat(workerPods(client, NS, "phases").get(0).getMetadata().getName())
        .isEqualTo(coordinator.getMetadata().getName());
    assertThat(events(client, NS, "Completed")).isEqualTo(1);
  }

  @Test
  void failedPodIsRecreatedWithTheSameRankAfterBackoffAndCounted() {
    create(Fixtures.job("flaky", NS));
    awaitPods("flaky", 3);
    setAllRunning(client, NS, "flaky");
    await("Running", WAIT, () -> phase(client, NS, "flaky") == JobPhase.Running);
    Pod victim = client.pods().inNamespace(NS).withName("flaky-cpu-1").get();
    Pod bystander = client.pods().inNamespace(NS).withName("flaky-cpu-0").get();
    String rank = victim.getMetadata().getLabels().get("training.hetero.dev/rank");
    Instant failedAt = Instant.now();
    setPodPhase(client, victim, "Failed", "OOMKilled", 137);

    await("a new flaky-cpu-1", WAIT, () -> {
      Pod p = client.pods().inNamespace(NS).withName("flaky-cpu-1").get();
      return p != null && !p.getMetadata().getUid().equals(victim.getMetadata().getUid());
    });
    Duration waited = Duration.between(failedAt, Instant.now());
    assertThat(waited).as("backoff base is 1s").isGreaterThanOrEqualTo(Duration.ofMillis(900));
    Pod replacement = client.pods().inNamespace(NS).withName("flaky-cpu-1").get();
    assertThat(replacement.getMetadata().getLabels().get("training.hetero.dev/rank")).isEqualTo(rank);
    await("restart counted", WAIT, () -> job(client, NS, "flaky").getStatus().restartCount() == 1);
    List<RestartRecord> restarts = job(client, NS, "flaky").getStatus().restarts();
    assertThat(restarts).singleElement().satisfies(r -> {
      assertThat(r.reason()).isEqualTo("OOMKilled");
      assertThat(r.count()).isEqualTo(1);
      assertThat(r.lastWorker()).isEqualTo("flaky-cpu-1");
    });
    // The other workers kept training.
    assertThat(client.pods().inNamespace(NS).withName("flaky-cpu-0").get().getMetadata().getUid())
        .isEqualTo(bystander.getMetadata().getUid());
    assertThat(operator.registry.counter("hetero.worker.restarts", "reason", "OOMKilled").count()).isEqualTo(1.0);
    assertThat(events(client, NS, "WorkerFailed")).isEqualTo(1);
  }

  @Test
  void aWorkerPodDeletedBehindTheOperatorsBackIsRecreatedAndCountedOnce() {
    create(Fixtures.job("deleted", NS));
    awaitPods("deleted", 3);
    setAllRunning(client, NS, "deleted");
    await("Running", WAIT, () -> phase(client, NS, "deleted") == JobPhase.Running);
    Pod victim = client.pods().inNamespace(NS).withName("deleted-cpu-1").get();
    client.resource(victim).delete();

    await("a new deleted-cpu-1", WAIT, () -> {
      Pod p = client.pods().inNamespace(NS).withName("deleted-cpu-1").get();
      return p != null && !p.getMetadata().getUid().equals(victim.getMetadata().getUid());
    });
    await("replacement counted", WAIT, () -> job(client, NS, "deleted").getStatus().restartCount() == 1);
    assertThat(job(client, NS, "deleted").getStatus().restarts()).singleElement().satisfies(r -> {
      assertThat(r.reason()).isEqualTo("PodDeleted");
      assertThat(r.lastWorker()).isEqualTo("deleted-cpu-1");
    });
    // A restart the operator does itself is counted once, under its own cause, not again as a deletion.
    Pod failedOne = client.pods().inNamespace(NS).withName("deleted-cpu-0").get();
    setPodPhase(client, failedOne, "Failed", "Error", 1);
    await("the failure counted", WAIT, () -> job(client, NS, "deleted").getStatus().restartCount() == 2);
    await("deleted-cpu-0 recreated", WAIT, () -> {
      Pod p = client.pods().inNamespace(NS).withName("deleted-cpu-0").get();
      return p != null && !p.getMetadata().getUid().equals(failedOne.getMetadata().getUid())
          && (p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase()));
    });
    // Wait for a reconcile that saw the replacement, then check nothing counted it again.
    double reconciles = operator.reconciles();
    client.nodes().withName("cpu-node-2").edit(n -> {
      n.getMetadata().getLabels().put("zone", "c");
      return n;
    });
    await("a reconcile after the replacement", WAIT, () -> operator.reconciles() > reconciles);
    assertThat(job(client, NS, "deleted").getStatus().restartCount()).isEqualTo(2);
    assertThat(events(client, NS, "WorkerReplaced")).isEqualTo(1);
  }

  @Test
  void exceedingBackoffLimitFailsTheJobWithTheReason() {
    HeteroTrainingJob job = Fixtures.job("doomed", NS);
    create(Fixtures.mixed("doomed", NS).spec("runPolicy", "{backoffLimit: 1, cleanPodPolicy: Running, restarts: " + JobYaml.FAST_RESTARTS + "}").job());
    awaitPods("doomed", 3);
    String firstUid = client.pods().inNamespace(NS).withName("doomed-gpu-0").get().getMetadata().getUid();
    setPodPhase(client, client.pods().inNamespace(NS).withName("doomed-gpu-0").get(), "Failed", "Error", 1);
    await("restarted once", WAIT, () -> {
      Pod p = client.pods().inNamespace(NS).withName("doomed-gpu-0").get();
      return p != null && !p.getMetadata().getUid().equals(firstUid);
    });
    setPodPhase(client, client.pods().inNamespace(NS).withName("doomed-gpu-0").get(), "Failed", "Error", 1);
    await("Failed", WAIT, () -> phase(client, NS, "doomed") == JobPhase.Failed);
    HeteroTrainingJob failed = job(client, NS, "doomed");
    JobCondition c = condition(failed, "Failed");
    assertThat(c.status()).isEqualTo("True");
    assertThat(c.reason()).isEqualTo("BackoffLimitExceeded");
    assertThat(c.message()).contains("backoffLimit is 1");
    assertThat(failed.getStatus().restartCount()).isEqualTo(1);
    // cleanPodPolicy Running removes the workers that were still active.
    await("active pods cleaned", WAIT, () -> workerPods(client, NS, "doomed").stream()
        .noneMatch(p -> p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase())));
    assertThat(job).isNotNull();
  }

  @Test
  void aGpuWorkerWithoutCudaDeviceIsRetriedWithinBackoffLimitThenFailsTheJobAsNoCudaDevice() {
    create(Fixtures.mixed("nocuda", NS).spec("runPolicy", "{backoffLimit: 1, cleanPodPolicy: Running, restarts: "
        + JobYaml.FAST_RESTARTS + "}").job());
    awaitPods("nocuda", 3);
    String firstUid = client.pods().inNamespace(NS).withName("nocuda-gpu-0").get().getMetadata().getUid();
    setPodPhase(client, client.pods().inNamespace(NS).withName("nocuda-gpu-0").get(), "Failed", "Error", 69);
    await("restarted once", WAIT, () -> {
      Pod p = client.pods().inNamespace(NS).withName("nocuda-gpu-0").get();
      return p != null && !p.getMetadata().getUid().equals(firstUid);
    });
    assertThat(job(client, NS, "nocuda").getStatus().restarts()).singleElement().satisfies(r -> {
      assertThat(r.reason()).isEqualTo("NoCudaDevice");
      assertThat(r.lastWorker()).isEqualTo("nocuda-gpu-0");
    });
    setPodPhase(client, client.pods().inNamespace(NS).withName("nocuda-gpu-0").get(), "Failed", "Error", 69);
    await("Failed", WAIT, () -> phase(client, NS, "nocuda") == JobPhase.Failed);
    JobCondition c = condition(job(client, NS, "nocuda"), "Failed");
    assertThat(c.status()).isEqualTo("True");
    assertThat(c.reason()).isEqualTo("NoCudaDevice");
    assertThat(c.message()).contains("worker nocuda-gpu-0 found no usable CUDA device (NoCudaDevice, exit 69")
        .contains("backoffLimit is 1");
  }

  @Test
  void suspendDeletesWorkersAndKeepsTheRestResumeRecreatesThem() {
    create(Fixtures.job("pause", NS));
    awaitPods("pause", 3);
    setSuspend("pause", true);
    await("Suspended", WAIT, () -> suspendHeld("pause", true) && phase(client, NS, "pause") == JobPhase.Suspended);
    await("no pods", WAIT, () -> workerPods(client, NS, "pause").isEmpty());
    assertThat(client.configMaps().inNamespace(NS).withName("pause-plan").get()).isNotNull();
    assertThat(client.services().inNamespace(NS).withName("pause-workers").get()).isNotNull();
    assertThat(client.secrets().inNamespace(NS).withName("pause-token").get()).isNotNull();
    assertThat(condition(job(client, NS, "pause"), "Suspended").status()).isEqualTo("True");

    setSuspend("pause", false);
    await("resume held", WAIT, () -> suspendHeld("pause", false));
    awaitPods("pause", 3);
    await("Planned again", WAIT, () -> phase(client, NS, "pause") == JobPhase.Planned);
    assertThat(condition(job(client, NS, "pause"), "Suspended").status()).isEqualTo("False");
    assertThat(events(client, NS, "Suspended")).isEqualTo(1);
    assertThat(events(client, NS, "Resumed")).isEqualTo(1);
  }

  @Test
  void activeDeadlineFailsTheJobAndTtlDeletesIt() {
    create(Fixtures.mixed("late", NS)
        .spec("runPolicy", "{backoffLimit: 2, cleanPodPolicy: All, activeDeadlineSeconds: 1, ttlSecondsAfterFinished: 2,"
            + " restarts: " + JobYaml.FAST_RESTARTS + "}").job());
    awaitPods("late", 3);
    await("Failed", WAIT, () -> phase(client, NS, "late") == JobPhase.Failed);
    assertThat(condition(job(client, NS, "late"), "Failed").reason()).isEqualTo("DeadlineExceeded");
    Instant completion = Instant.parse(job(client, NS, "late").getStatus().completionTime());
    await("pods cleaned (cleanPodPolicy All)", WAIT, () -> workerPods(client, NS, "late").isEmpty());
    await("job deleted after ttl", WAIT, () -> job(client, NS, "late") == null);
    assertThat(Duration.between(completion, Instant.now())).as("deleted only once ttlSecondsAfterFinished (2 s) passed")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void childrenCarryOwnerReferencesSoDeletingTheJobDeletesThem() {
    HeteroTrainingJob job = create(Fixtures.job("gone", NS));
    awaitPods("gone", 3);
    await("configmap", WAIT, () -> client.configMaps().inNamespace(NS).withName("gone-plan").get() != null);
    String uid = job.getMetadata().getUid();
    // The mock server has no garbage collector: check the references the real one follows.
    List<HasMetadata> children = new java.util.ArrayList<>(workerPods(client, NS, "gone"));
    children.add(client.configMaps().inNamespace(NS).withName("gone-plan").get());
    children.add(client.secrets().inNamespace(NS).withName("gone-token").get());
    children.add(client.services().inNamespace(NS).withName("gone-workers").get());
    children.add(client.serviceAccounts().inNamespace(NS).withName("gone-trainer").get());
    children.add(client.rbac().roles().inNamespace(NS).withName("gone-trainer").get());
    children.add(client.rbac().roleBindings().inNamespace(NS).withName("gone-trainer").get());
    for (HasMetadata child : children) {
      assertThat(child.getMetadata().getOwnerReferences()).as(child.getKind() + " " + child.getMetadata().getName())
          .anySatisfy(o -> {
            assertThat(o.getUid()).isEqualTo(uid);
            assertThat(o.getKind()).isEqualTo("HeteroTrainingJob");
          });
    }
    // No finalizer: deletion is immediate and needs no update permission on the job.
    assertThat(job(client, NS, "gone").getMetadata().getFinalizers()).isNullOrEmpty();
    client.resources(HeteroTrainingJob.class).inNamespace(NS).withName("gone").delete();
    await("job gone", WAIT, () -> job(client, NS, "gone") == null);
  }

  @Test
  void deletedNodeTriggersAReplanOfOnlyItsWorkers() {
    // A node-lost backoff longer than one reconcile: the moved workers must still be counted as NodeLost restarts
    // (before the fix, the reconcile after the re-plan deleted them as a free move and status.restarts stayed empty).
    create(Fixtures.mixed("moving", NS).spec("runPolicy", "{backoffLimit: 2, cleanPodPolicy: Running, restarts: {nodeLost:"
        + " {initialBackoffSeconds: 2, maxBackoffSeconds: 2}}}").job());
    awaitPods("moving", 3);
    setAllRunning(client, NS, "moving");
    await("Running", WAIT, () -> phase(client, NS, "moving") == JobPhase.Running);
    Map<String, String> before = job(client, NS, "moving").getStatus().plan().stream()
        .collect(Collectors.toMap(PlannedWorker::worker, PlannedWorker::node));
    assertThat(before).containsEntry("moving-cpu-0", "cpu-node-1").containsEntry("moving-cpu-1", "cpu-node-1");
    String gpuUid = client.pods().inNamespace(NS).withName("moving-gpu-0").get().getMetadata().getUid();

    client.nodes().withName("cpu-node-1").delete();
    await("cpu workers re-planned", WAIT, () -> job(client, NS, "moving").getStatus().plan().stream()
        .filter(w -> w.pool().equals("cpu")).allMatch(w -> !w.node().equals("cpu-node-1")));
    List<PlannedWorker> after = job(client, NS, "moving").getStatus().plan();
    assertThat(after).extracting(PlannedWorker::worker)
        .containsExactlyInAnyOrder("moving-gpu-0", "moving-cpu-0", "moving-cpu-1");
    assertThat(after).filteredOn(w -> w.worker().equals("moving-gpu-0")).singleElement()
        .satisfies(w -> assertThat(w.rank()).isZero());
    await("pods follow the plan", WAIT, () -> workerPods(client, NS, "moving").stream()
        .filter(p -> p.getMetadata().getName().startsWith("moving-cpu"))
        .filter(p -> "cpu-node-1".equals(pinned(p))).findAny().isEmpty()
        && workerPods(client, NS, "moving").size() == 3);
    await("plan ConfigMap updated", WAIT, () -> PlanCodec.fromJson(
        client.configMaps().inNamespace(NS).withName("moving-plan").get().getData().get("plan.json")).planVersion() == 2);
    assertThat(client.pods().inNamespace(NS).withName("moving-gpu-0").get().getMetadata().getUid())
        .as("the GPU worker on a healthy node keeps running").isEqualTo(gpuUid);
    await("NodeLost restarts counted", WAIT, () -> job(client, NS, "moving").getStatus().restarts() != null);
    assertThat(job(client, NS, "moving").getStatus().restarts()).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("NodeLost"));
    assertThat(operator.registry.counter("hetero.replans", "cause", "NodeLost").count()).isEqualTo(1.0);
  }

  @Test
  void nodeNotReadyPastTheGraceIsTreatedAsLost() {
    create(Fixtures.job("blip", NS));
    awaitPods("blip", 3);
    String gpuUid = client.pods().inNamespace(NS).withName("blip-gpu-0").get().getMetadata().getUid();
    // NotReady for a minute already: past the 1 s grace of this test's configuration.
    client.nodes().withName("cpu-node-1").editStatus(n -> {
      n.getStatus().getConditions().get(0).setStatus("Unknown");
      n.getStatus().getConditions().get(0).setLastTransitionTime(Instant.now().minusSeconds(60).toString());
      return n;
    });
    await("re-planned off the NotReady node", WAIT, () -> job(client, NS, "blip").getStatus().plan().stream()
        .noneMatch(w -> w.node().equals("cpu-node-1")));
    await("pods follow", WAIT, () -> workerPods(client, NS, "blip").size() == 3 && workerPods(client, NS, "blip").stream()
        .noneMatch(p -> "cpu-node-1".equals(pinned(p))));
    assertThat(client.pods().inNamespace(NS).withName("blip-gpu-0").get().getMetadata().getUid()).isEqualTo(gpuUid);
    assertThat(events(client, NS, "NodeLost")).isEqualTo(1);
  }

  @Test
  void podsRefusedByTheApiServerAreReportedNotRetriedHot() {
    refuseCreates("/api/v1/namespaces/quota/pods", "pods \"x\" is forbidden: exceeded quota: gpus");
    create(Fixtures.job("capped", "quota"));
    await("Planned with a warning", WAIT, () -> phase(client, "quota", "capped") == JobPhase.Planned
        && events(client, "quota", "WorkerCreateRefused") >= 1);
    assertThat(MockServerSupport.eventsOf(client, "quota", "WorkerCreateRefused").get(0).getMessage()).contains("exceeded quota");
    // Blocked progress is in a condition, not only in an Event.
    JobCondition running = condition(job(client, "quota", "capped"), "Running");
    assertThat(running.reason()).isEqualTo("WorkerCreateRefused");
    assertThat(running.message()).contains("exceeded quota");
    // The positive signal: the scheduled retry (hetero.unschedulable-retry, 2 s here) happens, and
    // folds into the same Event; nothing retried in between (no hot loop).
    await("the retry after unschedulableRetry", WAIT, () -> MockServerSupport.occurrences(client, "quota", "WorkerCreateRefused") >= 2);
    var folded = MockServerSupport.eventsOf(client, "quota", "WorkerCreateRefused");
    assertThat(folded).as("a repeat folds into the existing Event").hasSize(1);
    assertThat(Duration.between(Instant.parse(folded.get(0).getFirstTimestamp()), Instant.parse(folded.get(0).getLastTimestamp())))
        .as("first retry only after the retry interval").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }

  @Test
  void aChildTheApiServerRefusesBlocksTheJobWithTheReasonInItsCondition() {
    refuseCreates("/api/v1/namespaces/denied/secrets", "secrets is forbidden: admission policy");
    create(Fixtures.job("locked", "denied"));
    await("Running condition names the blocker", WAIT, () -> "ChildrenNotApplied".equals(
        condition(job(client, "denied", "locked"), "Running").reason()));
    HeteroTrainingJob blocked = job(client, "denied", "locked");
    assertThat(blocked.getStatus().phase()).isEqualTo(JobPhase.Planned);
    assertThat(condition(blocked, "Running").message()).contains("Secret").contains("admission policy");
    assertThat(blocked.getStatus().plan()).hasSize(3);
    await("warning event", WAIT, () -> events(client, "denied", "ChildrenNotApplied") == 1);
    // The status is written at the end of the reconcile whose pods step did not run.
    assertThat(workerPods(client, "denied", "locked")).as("no pods without their Secret").isEmpty();
  }

  @Test
  void invalidSpecLeavesAConditionAWarningAndNoPods() {
    create(Fixtures.unvalidated(Fixtures.mixed("wrong", NS).model("resnet20")));
    await("Failed", WAIT, () -> phase(client, NS, "wrong") == JobPhase.Failed);
    JobCondition c = condition(job(client, NS, "wrong"), "Failed");
    assertThat(c.reason()).isEqualTo("InvalidSpec");
    assertThat(c.message()).contains("resnet20").contains("cifar10");
    await("warning event", WAIT, () -> events(client, NS, "InvalidSpec") == 1);
    // The Failed status is written at the end of the reconcile that would have created them.
    assertThat(workerPods(client, NS, "wrong")).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).withName("wrong-plan").get()).isNull();
  }

  @Test
  void aSpecMadeInvalidStopsTheWorkersAndFixingItRecovers() {
    create(Fixtures.job("edit", NS));
    awaitPods("edit", 3);
    // the mock server applies a status patch to the whole stored object: wait until the first reconcile has written its
    // status, or that write can carry the old spec back over the edit (a real API server keeps the two apart)
    await("phase Planned", WAIT, () -> phase(client, NS, "edit") == JobPhase.Planned);
    patchSpec("edit", "{\"spec\":{\"model\":{\"name\":\"resnet20\"}}}");
    await("Failed/InvalidSpec", WAIT, () -> phase(client, NS, "edit") == JobPhase.Failed);
    assertThat(condition(job(client, NS, "edit"), "Failed").reason()).isEqualTo("InvalidSpec");
    await("workers stopped", WAIT, () -> workerPods(client, NS, "edit").isEmpty());

    patchSpec("edit", "{\"spec\":{\"model\":{\"name\":\"lenet\"}}}");
    awaitPods("edit", 3);
    await("Planned again", WAIT, () -> phase(client, NS, "edit") == JobPhase.Planned);
    HeteroTrainingJob fixed = job(client, NS, "edit");
    assertThat(condition(fixed, "Failed").status()).isEqualTo("False");
    assertThat(fixed.getStatus().completionTime()).isNull();
    assertThat(fixed.getStatus().observedGeneration()).isEqualTo(fixed.getMetadata().getGeneration());
  }

  @Test
  void unschedulableJobWaitsAndPlansWhenANodeArrives() {
    create(Fixtures.mixed("big", NS, 2, 2, 2).job());
    await("Unschedulable", WAIT, () -> phase(client, NS, "big") == JobPhase.Unschedulable);
    JobCondition c = condition(job(client, NS, "big"), "Unschedulable");
    assertThat(c.status()).isEqualTo("True");
    assertThat(c.message()).contains("pool gpu needs 2 workers").contains("nvidia.com/gpu");
    assertThat(workerPods(client, NS, "big")).isEmpty();
    assertThat(events(client, NS, "Unschedulable")).isEqualTo(1);

    client.nodes().resource(Fixtures.gpuNode("gpu-node-2", "Tesla-V100")).create();
    awaitPods("big", 4);
    await("Planned", WAIT, () -> phase(client, NS, "big") == JobPhase.Planned);
    assertThat(condition(job(client, NS, "big"), "Unschedulable").status()).isEqualTo("False");
  }

  /** A node only the elastic pool below selects. */
  private void elasticNode(String name, String cpus) {
    client.nodes().resource(Fixtures.node(name, Map.of("kubernetes.io/hostname", name, "pool", "elastic"), cpus, "16Gi", null))
        .create();
  }

  /** A job with one auto pool of 1 to 3 four-core workers on the elastic nodes, its {@code pods} pods Running. */
  private void runAutoPoolJob(String name, boolean elastic, int pods) {
    create(JobYaml.named(name).namespace(NS).epochs(1).perWorkerBatch(64).dataPath("/data/fashion-mnist")
        .spec("runPolicy", "{elastic: " + elastic + ", restarts: " + JobYaml.FAST_RESTARTS + "}")
        .pool("{name: cpu, deviceClass: cpu, minReplicas: 1, maxReplicas: 3, cpusPerWorker: 4, nodeSelector: {pool: elastic}}")
        .job());
    awaitPods(name, pods);
    setAllRunning(client, NS, name);
    await("Running", WAIT, () -> phase(client, NS, name) == JobPhase.Running);
  }

  private String uid(String pod) {
    return client.pods().inNamespace(NS).withName(pod).get().getMetadata().getUid();
  }

  private PlanDocument mountedPlan(String job) {
    return PlanCodec.fromJson(client.configMaps().inNamespace(NS).withName(job + "-plan").get().getData().get("plan.json"));
  }

  @Test
  void anElasticPoolGrowsIntoANewNodeAndShrinksWhenItIsLostWithoutRecreatingItsFirstWorker() {
    elasticNode("el-1", "4");
    runAutoPoolJob("grow", true, 1);
    String first = uid("grow-cpu-0");
    assertThat(events(client, NS, "WorkersAdded")).isZero();

    // One event, room for two more workers: one growth, by two.
    elasticNode("el-2", "8");
    await("grown to 3 workers", WAIT, () -> job(client, NS, "grow").getStatus().plan().size() == 3);
    awaitPods("grow", 3);
    assertThat(job(client, NS, "grow").getStatus().plan()).extracting(w -> w.worker() + "@" + w.node() + "#" + w.rank())
        .containsExactly("grow-cpu-0@el-1#0", "grow-cpu-1@el-2#1", "grow-cpu-2@el-2#2");
    assertThat(uid("grow-cpu-0")).as("the running worker is not recreated").isEqualTo(first);
    await("plan ConfigMap lists them", WAIT, () -> mountedPlan("grow").workers().size() == 3);
    assertThat(mountedPlan("grow").planVersion()).isEqualTo(2);
    // The mock server numbers every write in order: the plan a new pod reads at start was written before the pod.
    long planWritten = Long.parseLong(client.configMaps().inNamespace(NS).withName("grow-plan").get().getMetadata()
        .getResourceVersion());
    for (String joined : List.of("grow-cpu-1", "grow-cpu-2")) {
      assertThat(Long.parseLong(client.pods().inNamespace(NS).withName(joined).get().getMetadata().getResourceVersion()))
          .as("%s created after the plan that has it", joined).isGreaterThan(planWritten);
    }
    assertThat(MockServerSupport.eventsOf(client, NS, "WorkersAdded")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).isEqualTo("pool cpu grew from 1 to 3 workers: el-2 has room"));
    assertThat(operator.registry.counter("hetero.replans", "cause", "CapacityAppeared").count()).isEqualTo(1.0);

    setAllRunning(client, NS, "grow");
    await("Running with 3", WAIT, () -> job(client, NS, "grow").getStatus().workersReady().equals("3/3"));
    client.nodes().withName("el-2").delete();
    await("shrunk to 1 worker", WAIT, () -> job(client, NS, "grow").getStatus().plan().size() == 1);
    await("the lost workers' pods removed", WAIT, () -> workerPods(client, NS, "grow").size() == 1);
    assertThat(uid("grow-cpu-0")).isEqualTo(first);
    await("plan ConfigMap follows", WAIT, () -> mountedPlan("grow").workers().size() == 1);
    assertThat(MockServerSupport.eventsOf(client, NS, "NodeLost")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("pool cpu 3 -> 1 workers; the other workers keep running"));
    assertThat(events(client, NS, "WorkersAdded")).as("no growth back onto the lost node").isEqualTo(1);
  }

  @Test
  void aLossShrinksAnAutoPoolOfAnyJobAndARenumberedWorkerKeepsItsPodWithItsRankLabelUpdated() {
    for (String node : List.of("el-1", "el-2", "el-3")) {
      elasticNode(node, "4");
    }
    runAutoPoolJob("shrink", false, 3);
    assertThat(job(client, NS, "shrink").getStatus().plan()).extracting(w -> w.worker() + "@" + w.node() + "#" + w.rank())
        .containsExactly("shrink-cpu-0@el-1#0", "shrink-cpu-1@el-2#1", "shrink-cpu-2@el-3#2");
    Map<String, String> before = Map.of("shrink-cpu-0", uid("shrink-cpu-0"), "shrink-cpu-2", uid("shrink-cpu-2"));

    client.nodes().withName("el-2").delete();
    await("shrunk to 2 workers", WAIT, () -> job(client, NS, "shrink").getStatus().plan().size() == 2);
    assertThat(job(client, NS, "shrink").getStatus().plan()).extracting(w -> w.worker() + "@" + w.node() + "#" + w.rank())
        .containsExactly("shrink-cpu-0@el-1#0", "shrink-cpu-2@el-3#1");
    await("the renumbered worker's label follows", WAIT, () -> "1".equals(client.pods().inNamespace(NS)
        .withName("shrink-cpu-2").get().getMetadata().getLabels().get("training.hetero.dev/rank")));
    await("the dropped worker's pod goes", WAIT, () -> workerPods(client, NS, "shrink").size() == 2);
    assertThat(uid("shrink-cpu-0")).isEqualTo(before.get("shrink-cpu-0"));
    assertThat(uid("shrink-cpu-2")).as("renumbered, not recreated").isEqualTo(before.get("shrink-cpu-2"));
    assertThat(mountedPlan("shrink").workers()).extracting(PlannedWorker::rank).containsExactly(0, 1);
    assertThat(job(client, NS, "shrink").getStatus().restarts()).as("a dropped worker is no restart").isNullOrEmpty();
  }

  @Test
  void reconcilingAgainCreatesNothingNew() {
    create(Fixtures.job("steady", NS));
    awaitPods("steady", 3);
    await("Planned", WAIT, () -> phase(client, NS, "steady") == JobPhase.Planned);
    // The checkpoint claim the operator created is seen (its event reconciled the job): nothing else is on its way.
    await("the claim seen", WAIT, () -> condition(job(client, NS, "steady"), "CheckpointReady").message().contains("is Pending"));
    Set<String> uids = uids("steady");
    String statusVersion = job(client, NS, "steady").getMetadata().getResourceVersion();
    double reconciles = operator.reconciles();
    // A relevant node change wakes every job.
    client.nodes().withName("cpu-node-2").edit(n -> {
      n.getMetadata().getLabels().put("zone", "b");
      return n;
    });
    await("a reconcile after the node change", WAIT, () -> operator.reconciles() > reconciles);
    assertThat(uids("steady")).isEqualTo(uids);
    assertThat(workerPods(client, NS, "steady")).hasSize(3);
    assertThat(MockServerSupport.occurrences(client, NS, "WorkersCreated")).isEqualTo(1);
    assertThat(job(client, NS, "steady").getMetadata().getResourceVersion())
        .as("unchanged status is not written again").isEqualTo(statusVersion);
  }

  @Test
  void aSecondOperatorOnTheSameStateCreatesNoDuplicates() {
    create(Fixtures.job("twins", NS));
    try (MockOperator second = new MockOperator(client,
        Fixtures.config(Duration.ofSeconds(1), Duration.ofSeconds(1))).start()) {
      awaitPods("twins", 3);
      double first = operator.reconciles();
      double other = second.reconciles();
      client.nodes().withName("cpu-node-2").edit(n -> {
        n.getMetadata().getLabels().put("zone", "b");
        return n;
      });
      await("both operators reconciled the running job again", WAIT,
          () -> operator.reconciles() > first && second.reconciles() > other);
      assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(3);
      Set<String> uids = uids("twins");
      operator.close();
      operator = null;
      double before = second.reconciles();
      client.nodes().withName("cpu-node-2").edit(n -> {
        n.getMetadata().getLabels().put("zone", "c");
        return n;
      });
      await("the remaining operator reconciled again", WAIT, () -> second.reconciles() > before);
      assertThat(uids("twins")).isEqualTo(uids);
    }
  }

  /** The API server refuses every create at this path with 403, as a quota or an admission policy would. */
  private void refuseCreates(String path, String message) {
    server.expect().post().withPath(path)
        .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Failure").withCode(403)
            .withReason("Forbidden").withMessage(message).build())
        .always();
  }

  private Set<String> uids(String job) {
    return workerPods(client, NS, job).stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
  }

  private void patchSpec(String name, String mergePatch) {
    client.resources(HeteroTrainingJob.class).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private void setSuspend(String name, boolean suspend) {
    client.resources(HeteroTrainingJob.class).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"runPolicy\":{\"suspend\":" + suspend + "}}}");
  }

  /**
   * True once the spec reads {@code suspend} back; re-applies it otherwise. The mock server applies
   * a status patch to the whole stored object, so an operator status write that races with the
   * spec patch (both within a few ms) reverts the spec. A real API server ignores the spec on the
   * status subresource; the suspend scenarios of e2e and e2e-nodes run there.
   */
  private boolean suspendHeld(String name, boolean suspend) {
    HeteroTrainingJob job = job(client, NS, name);
    Boolean now = job.getSpec().runPolicy() == null ? null : job.getSpec().runPolicy().suspend();
    if (Boolean.TRUE.equals(now) != suspend) {
      setSuspend(name, suspend);
      return false;
    }
    return true;
  }

  private static String pinned(Pod pod) {
    return dev.hetero.training.operator.model.PodResources.pinnedNode(pod).orElse(null);
  }

  static JobCondition condition(HeteroTrainingJob job, String type) {
    return job.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }
}
