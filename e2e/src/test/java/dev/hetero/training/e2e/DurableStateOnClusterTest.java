package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.RestartCause;
import dev.hetero.training.api.v1alpha1.RestartRecord;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Durable training state on a real API server (issue 13, operator side): a finished job stays
 * finished whatever happens to its children or to the operator, the restart budget lives on the
 * job and is bounded per cause, and a checkpoint claim that cannot bind is shown in a condition.
 */
class DurableStateOnClusterTest extends OperatorOnClusterSupport {
  // the operator's own reconcile counter (JOSDK's timers are not exported by the packaged operator)
  private static final Pattern RECONCILES = Pattern.compile("hetero_reconciles_total\\{[^}]*} ([0-9.E+]+)");
  // This class's operator watches its own namespaces only: jobs other suites leave behind do not concern it.
  private static final List<String> NAMESPACES = List.of("e2e-finished", "e2e-budget", "e2e-causes", "e2e-claim");
  private static final Map<String, String> WATCH = Map.of("HETERO_WATCH_NAMESPACES", String.join(",", NAMESPACES));

  @BeforeAll
  static void startIt() {
    startOperator("durable-state", WATCH);
  }

  @Test
  void aFinishedJobStaysFinishedWhenItsChildrenAreDeletedAndTheOperatorRestarts() {
    String ns = "e2e-finished";
    runCpuJob(ns, "finished", "over", 2, "cleanPodPolicy: None");
    Jobs.exitWith(client, ns, "over-cpu-0", "0");
    HeteroTrainingJob succeeded = Jobs.await(client, ns, "over", j -> Jobs.phase(j, "Succeeded"), 60);
    String completion = succeeded.getStatus().completionTime();

    // Every pod and the plan ConfigMap deleted: the operator sees it (a reconcile), and creates nothing.
    double before = reconciles();
    client.pods().inNamespace(ns).withLabel("training.hetero.dev/job", "over").delete();
    client.configMaps().inNamespace(ns).withName("over-plan").delete();
    Jobs.until("a reconcile after the deletions", 60, DurableStateOnClusterTest::reconciles, n -> n > before, String::valueOf);
    Jobs.until("the pods gone", 60, () -> Jobs.workerPods(client, ns, "over"), List::isEmpty, pods -> pods.toString());
    assertStillFinished(ns, completion);

    // The operator restarted: the positive signal is a new job in the same namespace that it plans (it has then
    // synced its caches and handles this namespace); the finished job still runs nothing.
    operator.close();
    operator = OperatorProcess.start(cluster.controlPlane(), "durable-state-restarted", WATCH);
    client.resource(Jobs.job("probe", ns).pool(Jobs.pool("cpu", "cpu", 1, "finished", "")).job()).create();
    Jobs.await(client, ns, "probe", j -> j.getStatus() != null && j.getStatus().phase() != null, 90);
    assertStillFinished(ns, completion);
    client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("probe").delete();
  }

  private static void assertStillFinished(String ns, String completion) {
    HeteroTrainingJob job = client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("over").get();
    assertThat(job.getStatus().phase().name()).isEqualTo("Succeeded");
    assertThat(job.getStatus().completionTime()).isEqualTo(completion);
    assertThat(Jobs.workerPods(client, ns, "over")).as("no pod of a finished job comes back").isEmpty();
    assertThat(client.configMaps().inNamespace(ns).withName("over-plan").get()).as("nor its plan").isNull();
  }

  @Test
  void theRestartBudgetSurvivesTheDeletionOfEveryChild() {
    String ns = "e2e-budget";
    runCpuJob(ns, "budget", "frugal", 2, "backoffLimit: 1");
    Jobs.exitWith(client, ns, "frugal-cpu-1", "1");
    Jobs.await(client, ns, "frugal", j -> j.getStatus().restartCount() != null && j.getStatus().restartCount() == 1, 60);
    Jobs.awaitRunningPods(client, ns, "frugal", 2, 60);

    // Every child deleted (pods, Service, ConfigMap, Secret, RBAC): recreated, the budget not reset.
    String selector = "training.hetero.dev/job=frugal";
    client.pods().inNamespace(ns).withLabelSelector(selector).delete();
    client.services().inNamespace(ns).withLabelSelector(selector).delete();
    client.configMaps().inNamespace(ns).withLabelSelector(selector).delete();
    client.secrets().inNamespace(ns).withLabelSelector(selector).delete();
    client.serviceAccounts().inNamespace(ns).withLabelSelector(selector).delete();
    client.rbac().roles().inNamespace(ns).withLabelSelector(selector).delete();
    client.rbac().roleBindings().inNamespace(ns).withLabelSelector(selector).delete();
    Jobs.until("the children recreated", 90, () -> client.configMaps().inNamespace(ns).withName("frugal-plan").get() != null
        && client.secrets().inNamespace(ns).withName("frugal-token").get() != null, ok -> ok, String::valueOf);
    Jobs.awaitRunningPods(client, ns, "frugal", 2, 90);
    HeteroTrainingJob recreated = Jobs.await(client, ns, "frugal", j -> true, 10);
    assertThat(cause(recreated, "PodFailed")).as("the pod-failure count is still there").satisfies(r -> {
      assertThat(r.causeCount()).isEqualTo(1);
      assertThat(r.limit()).isEqualTo(1);
    });

    // The second failure exceeds backoffLimit 1: the job fails, the budget was never reset.
    Jobs.exitWith(client, ns, "frugal-cpu-1", "1");
    HeteroTrainingJob failed = Jobs.await(client, ns, "frugal", j -> Jobs.phase(j, "Failed"), 60);
    assertThat(Jobs.condition(failed, "Failed")).hasValueSatisfying(c -> {
      assertThat(c.reason()).isEqualTo("BackoffLimitExceeded");
      assertThat(c.message()).contains("frugal-cpu-1", "PodFailure", "runPolicy.backoffLimit is 1");
    });
  }

  @Test
  void eachCauseHasItsOwnLimitAndTheJobFailsWithAReasonNamingIt() {
    String ns = "e2e-causes";
    // Preemptions (here: pods deleted behind the operator's back) may restart once; pod failures thrice.
    runCpuJob(ns, "causes", "bounded", 2, "backoffLimit: 3, restarts: {preempted: {limit: 1, initialBackoffSeconds: 0}}");
    Pod first = client.pods().inNamespace(ns).withName("bounded-cpu-1").get();
    client.resource(first).delete();
    Jobs.until("the deleted worker replaced", 60, () -> client.pods().inNamespace(ns).withName("bounded-cpu-1").get(),
        p -> p != null && !p.getMetadata().getUid().equals(first.getMetadata().getUid()), p -> String.valueOf(p));
    HeteroTrainingJob counted = Jobs.await(client, ns, "bounded", j -> j.getStatus().restarts() != null
        && j.getStatus().restarts().stream().anyMatch(r -> "PodDeleted".equals(r.reason())), 30);
    assertThat(cause(counted, "PodDeleted")).satisfies(r -> {
      assertThat(r.cause()).isEqualTo(RestartCause.PREEMPTED);
      assertThat(r.count()).isEqualTo(1);
      assertThat(r.causeCount()).isEqualTo(1);
      assertThat(r.limit()).isEqualTo(1);
      assertThat(r.lastWorker()).isEqualTo("bounded-cpu-1");
    });
    assertThat(counted.getStatus().restartCount()).isEqualTo(1);
    // A pod failure is another budget: it restarts although preemptions are used up.
    Jobs.awaitRunningPods(client, ns, "bounded", 2, 60);
    Jobs.exitWith(client, ns, "bounded-cpu-0", "1");
    Jobs.await(client, ns, "bounded", j -> j.getStatus().restarts().stream().anyMatch(r -> "PodFailed".equals(r.reason())), 60);
    Jobs.awaitRunningPods(client, ns, "bounded", 2, 60);
    // The second preemption exceeds its own limit: Failed, the reason and message naming the cause.
    client.pods().inNamespace(ns).withName("bounded-cpu-1").delete();
    HeteroTrainingJob failed = Jobs.await(client, ns, "bounded", j -> Jobs.phase(j, "Failed"), 60);
    assertThat(Jobs.condition(failed, "Failed")).hasValueSatisfying(c -> {
      assertThat(c.reason()).isEqualTo("PreemptionLimitExceeded");
      assertThat(c.message()).contains("bounded-cpu-1", "Preempted restart", "runPolicy.restarts.preempted.limit is 1");
    });
    assertThat(cause(failed, "PodFailed").causeCount()).isEqualTo(1);
  }

  @Test
  void aCheckpointClaimThatCannotBindIsShownInAConditionWithWhatToDo() {
    String ns = "e2e-claim";
    Jobs.namespace(client, ns);
    Cluster.createNode(client, "claim-cpu", 4, "16Gi", 0, Jobs.suite("claim"));
    // The default checkpoint volume: a claim in the cluster's default StorageClass; this cluster has none.
    client.resource(Jobs.job("stuck", ns).spec("checkpoint", "{everyRounds: 10}")
        .pool(Jobs.pool("cpu", "cpu", 2, "claim", "")).job()).create();
    HeteroTrainingJob job = Jobs.until("CheckpointReady says the claim is Pending", 60,
        () -> client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("stuck").get(),
        j -> j != null && Jobs.condition(j, "CheckpointReady").map(c -> c.message().contains("is Pending")).orElse(false),
        j -> String.valueOf(j == null || j.getStatus() == null ? null : j.getStatus().conditions()));
    assertThat(Jobs.condition(job, "CheckpointReady")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("ClaimPending");
      assertThat(c.message()).contains("stuck-checkpoints", "no default StorageClass", "storageClassName", "emptyDir");
    });
    PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns).withName("stuck-checkpoints").get();
    assertThat(claim.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(job.getMetadata().getUid()));
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
    // The coordinator waits for its volume: the job is Pending for that reason, not merely "starting".
    HeteroTrainingJob waiting = Jobs.await(client, ns, "stuck", j -> Jobs.condition(j, "Pending")
        .map(c -> "WaitingForCheckpointVolume".equals(c.reason())).orElse(false), 60);
    assertThat(Jobs.condition(waiting, "Pending").orElseThrow().status()).isEqualTo("True");
    assertThat(waiting.getStatus().phase().name()).isEqualTo("Planned");
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ClaimPending"));
    // The coordinator pod mounts that claim and waits; its worker does not.
    Pod coordinator = client.pods().inNamespace(ns).withName("stuck-cpu-0").get();
    assertThat(coordinator.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim() == null ? null
        : v.getPersistentVolumeClaim().getClaimName()).isEqualTo("stuck-checkpoints"));
    client.resources(HeteroTrainingJob.class).inNamespace(ns).withName("stuck").delete();
  }

  private static RestartRecord cause(HeteroTrainingJob job, String reason) {
    return job.getStatus().restarts().stream().filter(r -> reason.equals(r.reason())).findFirst()
        .orElseThrow(() -> new AssertionError("no restart record " + reason + " in " + job.getStatus().restarts()));
  }

  private static double reconciles() {
    String body = operator.metrics();
    Matcher m = RECONCILES.matcher(body);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** A namespace, one 4-core node labelled for the suite, and a running job of one CPU pool. */
  private static List<Pod> runCpuJob(String ns, String suite, String job, int replicas, String runPolicyEntries) {
    Jobs.namespace(client, ns);
    Cluster.createNode(client, suite + "-cpu", 4, "16Gi", 0, Jobs.suite(suite));
    client.resource(Jobs.job(job, ns).pool(Jobs.pool("cpu", "cpu", replicas, suite, ""))
        .spec("runPolicy", Jobs.runPolicy(runPolicyEntries)).job()).create();
    List<Pod> pods = Jobs.awaitRunningPods(client, ns, job, replicas, 120);
    Jobs.await(client, ns, job, j -> Jobs.phase(j, "Running"), 60);
    return pods;
  }
}
