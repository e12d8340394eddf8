package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tests 3 to 7 of the control-plane issue: the real operator (its built jar, as a process)
 * against a real API server, scheduler, garbage collector and kwok nodes.
 */
class OperatorOnClusterTest extends OperatorOnClusterSupport {

  @BeforeAll
  static void startIt() {
    startOperator("operator-on-cluster", Map.of());
  }

  @Test
  void mixedJobIsScheduledOntoThePlannedNodesWithThePlannedBatches() {
    String ns = "e2e-mixed";
    Jobs.namespace(client, ns);
    Cluster.createNode(client, "mixed-gpu", 4, "64Gi", 2, Map.of("e2e.hetero.dev/suite", "mixed", "nvidia.com/gpu.product", "Tesla-V100-SXM2-16GB"));
    Cluster.createNode(client, "mixed-cpu-a", 2, "16Gi", 0, Jobs.suite("mixed"));
    Cluster.createNode(client, "mixed-cpu-b", 2, "16Gi", 0, Jobs.suite("mixed"));
    client.resource(Jobs.job("mixed", ns).pool(Jobs.pool("gpu", "gpu", 2, "mixed", ""))
        .pool(Jobs.pool("cpu", "cpu", 4, "mixed", "")).job()).create();

    List<Pod> pods = Jobs.awaitRunningPods(client, ns, "mixed", 6, 120);
    HeteroTrainingJob job = Jobs.await(client, ns, "mixed", j -> j.getStatus() != null && j.getStatus().plan() != null
        && j.getStatus().plan().size() == 6 && Jobs.phase(j, "Running"), 60);

    Map<String, PlannedWorker> plan = job.getStatus().plan().stream().collect(Collectors.toMap(PlannedWorker::worker, Function.identity()));
    // What each worker runs comes from the mounted plan (plan.json), found by the worker's name.
    PlanDocument mounted = PlanCodec.fromJson(client.configMaps().inNamespace(ns).withName("mixed-plan").get().getData()
        .get("plan.json"));
    assertThat(mounted.workers()).hasSize(6);
    for (Pod pod : pods) {
      PlannedWorker planned = plan.get(pod.getMetadata().getName());
      assertThat(planned).as("plan entry for %s", pod.getMetadata().getName()).isNotNull();
      // Bound by the real scheduler, honouring the operator's required node affinity.
      assertThat(pod.getSpec().getNodeName()).isEqualTo(planned.node());
      assertThat(Jobs.env(pod, "HTJ_WORKER_NAME")).isEqualTo(pod.getMetadata().getName());
      PlannedWorker inPlanFile = mounted.worker(Jobs.env(pod, "HTJ_WORKER_NAME")).orElseThrow();
      assertThat(inPlanFile.batchSize()).isEqualTo(planned.batchSize());
      assertThat(inPlanFile.localSteps()).isEqualTo(planned.localSteps());
      assertThat(inPlanFile.rank()).isEqualTo(planned.rank());
      assertThat(inPlanFile.weight()).isEqualTo(planned.weight());
      assertThat(pod.getSpec().getContainers().get(0).getEnv()).extracting(e -> e.getName())
          .doesNotContain("BATCH_SIZE", "LOCAL_STEPS", "RANK", "WORLD_SIZE");
    }
    assertThat(job.getStatus().plan()).filteredOn(w -> w.pool().equals("gpu")).extracting(PlannedWorker::node).containsOnly("mixed-gpu");
    assertThat(job.getStatus().plan().stream().mapToInt(PlannedWorker::batchSize).sum()).isEqualTo(512);
    // V100 workers (capacity 32) get far larger batches than CPU workers (capacity 1).
    assertThat(plan.get("mixed-gpu-0").batchSize()).isGreaterThan(plan.get("mixed-cpu-0").batchSize() * 10);
    assertThat(job.getStatus().workersReady()).isEqualTo("6/6");

    // The series the Grafana dashboard (k8s/dashboards, the chart) queries, from the live operator.
    String metrics = operator.metrics();
    assertThat(metrics).contains("hetero_jobs{phase=\"Running\"}", "hetero_time_to_running_seconds_bucket",
        "hetero_time_to_running_seconds_count", "hetero_planned_capacity{", "pool=\"gpu\"");
  }

  @Test
  void failedWorkerIsRecreatedCountedAndTheJobFailsAfterBackoffLimit() {
    String ns = "e2e-failing";
    List<Pod> pods = runCpuJob(ns, "failing", "failing", 2, "{backoffLimit: 1}");
    Pod victim = pods.stream().filter(p -> p.getMetadata().getName().equals("failing-cpu-1")).findFirst().orElseThrow();
    String firstUid = victim.getMetadata().getUid();

    exitWith(ns, "failing-cpu-1", "1");
    HeteroTrainingJob afterOne = Jobs.await(client, ns, "failing", j -> j.getStatus().restartCount() != null
        && j.getStatus().restartCount() == 1, 60);
    assertThat(afterOne.getStatus().restarts()).anySatisfy(r -> {
      assertThat(r.reason()).isEqualTo("PodFailed");
      assertThat(r.count()).isEqualTo(1);
      assertThat(r.lastWorker()).isEqualTo("failing-cpu-1");
    });
    List<Pod> recreated = Jobs.awaitRunningPods(client, ns, "failing", 2, 60);
    assertThat(recreated).filteredOn(p -> p.getMetadata().getName().equals("failing-cpu-1"))
        .singleElement().satisfies(p -> assertThat(p.getMetadata().getUid()).isNotEqualTo(firstUid));
    // The other worker was never touched.
    assertThat(recreated).filteredOn(p -> p.getMetadata().getName().equals("failing-cpu-0")).singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getUid()).isEqualTo(pods.stream()
            .filter(q -> q.getMetadata().getName().equals("failing-cpu-0")).findFirst().orElseThrow().getMetadata().getUid()));

    exitWith(ns, "failing-cpu-1", "1");
    HeteroTrainingJob failed = Jobs.await(client, ns, "failing", j -> Jobs.phase(j, "Failed"), 60);
    assertThat(Jobs.condition(failed, "Failed")).get().satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("BackoffLimitExceeded");
    });
  }

  @Test
  void workersOfADeletedNodeAreReplannedOntoTheRemainingNodes() {
    String ns = "e2e-nodelost";
    Jobs.namespace(client, ns);
    for (String node : List.of("lost-a", "lost-b", "lost-c")) {
      Cluster.createNode(client, node, 2, "8Gi", 0, Jobs.suite("lost"));
    }
    client.resource(Jobs.job("nodelost", ns).pool(Jobs.pool("cpu", "cpu", 2, "lost", "cpusPerWorker: 2")).job()).create();
    List<Pod> before = Jobs.awaitRunningPods(client, ns, "nodelost", 2, 120);
    Set<String> usedBefore = before.stream().map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet());
    assertThat(usedBefore).hasSize(2);
    String doomed = before.get(1).getSpec().getNodeName();
    String spare = Set.of("lost-a", "lost-b", "lost-c").stream().filter(n -> !usedBefore.contains(n)).findFirst().orElseThrow();

    client.nodes().withName(doomed).delete();

    HeteroTrainingJob replanned = Jobs.await(client, ns, "nodelost", j -> j.getStatus().plan() != null
        && j.getStatus().plan().stream().noneMatch(w -> w.node().equals(doomed)), 120);
    assertThat(replanned.getStatus().plan()).extracting(PlannedWorker::node).contains(spare).doesNotContain(doomed);
    List<Pod> after = Jobs.awaitRunningPods(client, ns, "nodelost", 2, 120);
    assertThat(after).extracting(p -> p.getSpec().getNodeName()).doesNotContain(doomed).contains(spare);
    String planJson = client.configMaps().inNamespace(ns).withName("nodelost-plan").get().getData().get("plan.json");
    assertThat(planJson).contains(spare).doesNotContain("\"" + doomed + "\"");
  }

  @Test
  void aWorkerTheSchedulerRefusesIsPlannedOntoAnotherNode() {
    String ns = "e2e-moved";
    Jobs.namespace(client, ns);
    Cluster.createNode(client, "moved-a", 2, "8Gi", 0, Jobs.suite("moved"));
    Cluster.createNode(client, "moved-b", 2, "8Gi", 0, Jobs.suite("moved"));
    client.resource(Jobs.job("moved", ns).pool(Jobs.pool("cpu", "cpu", 1, "moved", "cpusPerWorker: 2")).job()).create();
    Pod first = Jobs.awaitRunningPods(client, ns, "moved", 1, 120).get(0);
    assertThat(first.getSpec().getNodeName()).isEqualTo("moved-a");

    // Something outside the operator's plan makes moved-a refuse pods; the worker then fails and
    // its replacement, still pinned to moved-a, is refused by the scheduler.
    client.nodes().withName("moved-a").edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n).editSpec()
        .addNewTaint().withKey("e2e.hetero.dev/blocked").withEffect("NoSchedule").endTaint().endSpec().build());
    exitWith(ns, "moved-cpu-0", "1");

    HeteroTrainingJob moved = Jobs.await(client, ns, "moved", j -> j.getStatus().plan() != null
        && j.getStatus().plan().get(0).node().equals("moved-b"), 120);
    assertThat(moved.getStatus().plan()).singleElement().extracting(PlannedWorker::node).isEqualTo("moved-b");
    assertThat(Jobs.awaitRunningPods(client, ns, "moved", 1, 120)).singleElement()
        .satisfies(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("moved-b"));
    assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("WorkerUnschedulable"));
  }

  @Test
  void restartedOperatorCreatesNoDuplicatesAndTheJobGoesOn() {
    String ns = "e2e-restart";
    Map<String, String> before = runCpuJob(ns, "restart", "restart", 3, "").stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));

    operator.close();
    operator = OperatorProcess.start(cluster.controlPlane(), "operator-on-cluster-restarted", Map.of());
    // The positive signal that the new instance reconciled the job: it handles a failure (counted once).
    exitWith(ns, "restart-cpu-2", "1");
    Jobs.await(client, ns, "restart", j -> j.getStatus().restartCount() != null && j.getStatus().restartCount() == 1, 60);
    List<Pod> after = Jobs.awaitRunningPods(client, ns, "restart", 3, 60);
    Map<String, String> uids = after.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    assertThat(uids.keySet()).isEqualTo(before.keySet());
    assertThat(uids.get("restart-cpu-0")).as("untouched by the restarted operator").isEqualTo(before.get("restart-cpu-0"));
    assertThat(uids.get("restart-cpu-1")).as("untouched by the restarted operator").isEqualTo(before.get("restart-cpu-1"));
    assertThat(uids.get("restart-cpu-2")).as("the failed worker was recreated").isNotEqualTo(before.get("restart-cpu-2"));
    assertThat(Jobs.await(client, ns, "restart", j -> true, 10).getStatus().restartCount()).as("counted once").isEqualTo(1);
  }

  @Test
  void deletingTheJobRemovesEveryChildThroughGarbageCollection() {
    String ns = "e2e-delete";
    runCpuJob(ns, "delete", "doomed", 2, "");
    assertThat(client.services().inNamespace(ns).withName("doomed-workers").get()).isNotNull();
    assertThat(client.secrets().inNamespace(ns).withName("doomed-token").get()).isNotNull();
    assertThat(client.rbac().roles().inNamespace(ns).withName("doomed-trainer").get()).isNotNull();

    client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("doomed").delete();

    Jobs.until("every child of doomed garbage-collected", 120, () -> childrenLeft(ns, "doomed"), List::isEmpty,
        left -> "children still present: " + left);
  }

  @Test
  void coordinatorExitingZeroSucceedsTheJobCleansRunningWorkersAndTheTtlDeletesIt() {
    String ns = "e2e-success";
    runCpuJob(ns, "success", "done", 3, "{cleanPodPolicy: Running, ttlSecondsAfterFinished: 8}");

    exitWith(ns, "done-cpu-0", "0");
    HeteroTrainingJob succeeded = Jobs.await(client, ns, "done", j -> Jobs.phase(j, "Succeeded"), 60);
    assertThat(Jobs.condition(succeeded, "Succeeded")).get().extracting(c -> c.status()).isEqualTo("True");
    assertThat(succeeded.getStatus().completionTime()).isNotNull();
    // cleanPodPolicy Running: the workers still running are deleted, the finished coordinator stays.
    List<Pod> left = Jobs.until("cleanPodPolicy Running leaves one pod", 60, () -> Jobs.workerPods(client, ns, "done"),
        pods -> pods.size() == 1, pods -> pods.stream().map(p -> p.getMetadata().getName()).toList().toString());
    assertThat(left).extracting(p -> p.getMetadata().getName()).containsExactly("done-cpu-0");
    // ttlSecondsAfterFinished: the job goes, and its children with it.
    client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("done").waitUntilCondition(j -> j == null, 90, TimeUnit.SECONDS);
    assertThat(client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("done").get()).isNull();
  }

  @Test
  void suspendDeletesTheWorkersAndKeepsTheRestAndResumeRecreatesThem() {
    String ns = "e2e-suspend";
    runCpuJob(ns, "suspend", "pausable", 2, "");
    String token = client.secrets().inNamespace(ns).withName("pausable-token").get().getMetadata().getUid();

    setSuspend(ns, "pausable", true);
    Jobs.await(client, ns, "pausable", j -> Jobs.phase(j, "Suspended"), 60);
    Jobs.until("no worker pods while suspended", 60, () -> Jobs.workerPods(client, ns, "pausable"), List::isEmpty,
        pods -> pods.stream().map(p -> p.getMetadata().getName()).toList().toString());
    assertThat(client.configMaps().inNamespace(ns).withName("pausable-plan").get()).isNotNull();
    assertThat(client.secrets().inNamespace(ns).withName("pausable-token").get().getMetadata().getUid()).isEqualTo(token);

    setSuspend(ns, "pausable", false);
    assertThat(Jobs.awaitRunningPods(client, ns, "pausable", 2, 120)).hasSize(2);
    Jobs.await(client, ns, "pausable", j -> Jobs.phase(j, "Running"), 60);
  }

  private void setSuspend(String ns, String job, boolean suspend) {
    client.resources(HeteroTrainingJob.class).inNamespace(ns).withName(job).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\": {\"runPolicy\": {\"suspend\": " + suspend + "}}}");
  }

  @Test
  void trainerStatusFieldsAndOperatorStatusFieldsCoexistAndTheTrainerCanDoNothingElse() {
    String ns = "e2e-ssa";
    Jobs.namespace(client, ns);
    Cluster.createNode(client, "ssa-cpu", 4, "16Gi", 0, Jobs.suite("ssa"));
    String pool = Jobs.pool("cpu", "cpu", 1, "ssa", "");
    client.resource(Jobs.job("ssa-a", ns).pool(pool).job()).create();
    client.resource(Jobs.job("ssa-b", ns).pool(pool).job()).create();
    Jobs.await(client, ns, "ssa-a", j -> Jobs.phase(j, "Running"), 120);
    Jobs.await(client, ns, "ssa-b", j -> Jobs.phase(j, "Running"), 120);

    try (KubernetesClient trainer = cluster.controlPlane().clientAsServiceAccount(ns, "ssa-a-trainer")) {
      applyStatus(trainer, ns, "ssa-a", trainerStatus(ns, "ssa-a", 7));

      // The operator writes its part again (a worker restart changes restarts and conditions)...
      exitWith(ns, "ssa-a-cpu-0", "1");
      HeteroTrainingJob both = Jobs.await(client, ns, "ssa-a", j -> j.getStatus().restartCount() != null
          && j.getStatus().restartCount() == 1, 60);
      // ...and the trainer's fields survive it, each side owning its own.
      assertThat(both.getStatus().training()).isNotNull();
      assertThat(both.getStatus().training().round()).isEqualTo(7L);
      assertThat(both.getStatus().workers()).singleElement().satisfies(w -> assertThat(w.lastRound()).isEqualTo(7L));
      assertThat(both.getStatus().plan()).isNotEmpty();
      assertThat(both.getMetadata().getManagedFields()).extracting(m -> m.getManager())
          .contains("hetero-trainer", "hetero-training-operator");
      // The trainer updates again at a later round; the operator's fields stay.
      applyStatus(trainer, ns, "ssa-a", trainerStatus(ns, "ssa-a", 8));
      HeteroTrainingJob later = client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("ssa-a").get();
      assertThat(later.getStatus().training().round()).isEqualTo(8L);
      assertThat(later.getStatus().restartCount()).isEqualTo(1);

      // Nothing else: another job's status, pods, secrets, the job's spec.
      assertForbidden(() -> applyStatus(trainer, ns, "ssa-b", trainerStatus(ns, "ssa-b", 1)));
      assertForbidden(() -> trainer.pods().inNamespace(ns).list());
      assertForbidden(() -> trainer.secrets().inNamespace(ns).withName("ssa-a-token").get());
      assertForbidden(() -> trainer.resources(HeteroTrainingJob.class).inNamespace(ns).withName("ssa-a")
          .edit(j -> { j.getMetadata().setLabels(Map.of("hacked", "true")); return j; }));
      assertForbidden(() -> trainer.resources(HeteroTrainingJob.class).inNamespace(ns).list());
    }
  }

  /**
   * Server-side apply straight to the status subresource, as the trainer does: Fabric8's
   * subresource("status").patch() first GETs the job itself, which the trainer's Role rightly
   * does not allow.
   */
  private static void applyStatus(KubernetesClient as, String ns, String job, String body) {
    String url = as.getConfiguration().getMasterUrl().replaceAll("/$", "") + "/apis/training.hetero.dev/v1alpha1/namespaces/"
        + ns + "/heterotrainingjobs/" + job + "/status?fieldManager=hetero-trainer&force=true";
    var request = as.getHttpClient().newHttpRequestBuilder().uri(url)
        .method("PATCH", "application/apply-patch+yaml", body).build();
    var response = as.getHttpClient().sendAsync(request, String.class).join();
    if (response.code() >= 300) {
      throw new io.fabric8.kubernetes.client.KubernetesClientException(response.body(), response.code(), null);
    }
  }

  private static String trainerStatus(String ns, String job, long round) {
    return """
        {"apiVersion": "training.hetero.dev/v1alpha1", "kind": "HeteroTrainingJob",
         "metadata": {"name": "%s", "namespace": "%s"},
         "status": {"training": {"round": %d, "epoch": 0.5, "samples": 30000, "loss": 0.61, "accuracy": 0.8,
                                 "samplesPerSecond": 9000.0, "updatedAt": "2026-11-24T10:00:00Z"},
                    "workers": [{"name": "%s-cpu-0", "phase": "Training", "samplesPerSecond": 9000.0, "lastRound": %d}]}}
        """.formatted(job, ns, round, job, round);
  }

  private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call)
        .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .satisfies(e -> assertThat(((io.fabric8.kubernetes.client.KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  /** A namespace, one 4-core node labelled for the suite, and a job of one CPU pool, running. */
  private static List<Pod> runCpuJob(String ns, String suite, String job, int replicas, String runPolicy) {
    Jobs.namespace(client, ns);
    Cluster.createNode(client, suite + "-cpu", 4, "16Gi", 0, Jobs.suite(suite));
    var manifest = Jobs.job(job, ns).pool(Jobs.pool("cpu", "cpu", replicas, suite, ""));
    String entries = runPolicy.isEmpty() ? "" : runPolicy.substring(1, runPolicy.length() - 1);
    client.resource(manifest.spec("runPolicy", Jobs.runPolicy(entries)).job()).create();
    return Jobs.awaitRunningPods(client, ns, job, replicas, 120);
  }

  private List<String> childrenLeft(String ns, String job) {
    String selector = "training.hetero.dev/job=" + job;
    return java.util.stream.Stream.of(
        client.pods().inNamespace(ns).withLabelSelector(selector).list().getItems().stream().map(p -> "pod/" + p.getMetadata().getName()),
        client.services().inNamespace(ns).withLabelSelector(selector).list().getItems().stream().map(s -> "service/" + s.getMetadata().getName()),
        client.configMaps().inNamespace(ns).withLabelSelector(selector).list().getItems().stream().map(c -> "configmap/" + c.getMetadata().getName()),
        client.secrets().inNamespace(ns).withLabelSelector(selector).list().getItems().stream().map(s -> "secret/" + s.getMetadata().getName()),
        client.serviceAccounts().inNamespace(ns).withLabelSelector(selector).list().getItems().stream().map(s -> "sa/" + s.getMetadata().getName()),
        client.rbac().roles().inNamespace(ns).withLabelSelector(selector).list().getItems().stream().map(r -> "role/" + r.getMetadata().getName()),
        client.rbac().roleBindings().inNamespace(ns).withLabelSelector(selector).list().getItems().stream().map(r -> "rolebinding/" + r.getMetadata().getName()))
        .flatMap(s -> s).toList();
  }

  private void exitWith(String ns, String pod, String code) {
    Jobs.exitWith(client, ns, pod, code);
  }
}
