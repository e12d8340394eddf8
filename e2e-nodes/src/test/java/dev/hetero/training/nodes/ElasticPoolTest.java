package dev.hetero.training.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * An elastic pool on real nodes: a job whose auto CPU pool (1 to 2 workers, one per node) starts
 * with cpu-1 cordoned, so it trains with one worker on gpu-1; cpu-1 is uncordoned and the pool
 * grows: a second worker's pod starts on cpu-1 and contributes within a few rounds while the
 * first pod keeps running; then cpu-1 is lost (kubelet and containers stopped) and the pool
 * shrinks back to one worker without restarting the survivor, which trains the job to the end.
 */
@Order(6)
class ElasticPoolTest {
  static final String JOB = "elastic";
  private static LocalCluster cluster;
  private static KubernetesClient client;

  @AfterAll
  static void leaveNoJobBehind() {
    if (client != null) {
      client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).delete();
      cordon("cpu-1", false);
    }
  }

  @Test
  void aWorkerJoinsWhenANodeFreesUpAndTheSurvivorFinishesAfterTheNodeIsLost() {
    cluster = OperatorRelease.installed();
    client = cluster.client();
    cordon("cpu-1", true);
    client.resource(TrainingJobs.job(JOB).epochs(7).pool("""
        name: cpu
        deviceClass: cpu
        minReplicas: 1
        maxReplicas: 2
        cpusPerWorker: 1""").spec("runPolicy", "{elastic: true}").spec("checkpoint", "{everyRounds: 10}").job()).create();
    HeteroTrainingJob running = TrainingJobs.awaitJob(client, JOB, "training with one worker", Duration.ofMinutes(4),
        j -> TrainingJobs.phase(j, JobPhase.Running) && TrainingJobs.round(j) >= 5);
    assertThat(running.getStatus().plan()).hasSize(1);
    PlannedWorker first = running.getStatus().plan().get(0);
    assertThat(first.node()).isEqualTo("gpu-1");
    String firstUid = pod(first.worker()).orElseThrow().getMetadata().getUid();

    // capacity appears: the pool grows onto cpu-1
    cordon("cpu-1", false);
    HeteroTrainingJob grown = TrainingJobs.awaitJob(client, JOB, "the pool grown to two", Duration.ofMinutes(2),
        j -> j.getStatus().plan() != null && j.getStatus().plan().size() == 2);
    PlannedWorker added = grown.getStatus().plan().stream().filter(w -> !w.worker().equals(first.worker())).findFirst()
        .orElseThrow();
    assertThat(added.node()).isEqualTo("cpu-1");
    TrainingJobs.await("the new worker's pod running", Duration.ofMinutes(2))
        .until(() -> pod(added.worker()).map(p -> "Running".equals(p.getStatus().getPhase())).orElse(false));
    long runningAtRound = TrainingJobs.round(TrainingJobs.get(client, JOB));
    long runningAt = System.nanoTime();
    HeteroTrainingJob contributing = TrainingJobs.awaitJob(client, JOB, "the new worker contributing", Duration.ofMinutes(2),
        j -> row(j, added.worker()).map(w -> w.lastRound() != null && w.lastRound() > 0).orElse(false));
    double seconds = (System.nanoTime() - runningAt) / 1e9;
    Map<String, String> contributed = coordinatorEvents(first.worker(), "contributed").stream().findFirst()
        .orElseThrow(() -> new AssertionError("no 'contributed' event in the coordinator's log"));
    long from = Long.parseLong(contributed.get("round"));
    System.out.printf("real nodes: elastic: %s joined at round %s (plan), pod Running at round %d, contributed from round %d"
        + " (%d rounds after Running; status showed it %.1f s after Running)%n", added.worker(),
        contributed.get("joinedRound"), runningAtRound, from, from - runningAtRound, seconds);
    assertThat(pod(first.worker()).orElseThrow().getMetadata().getUid()).as("the first worker was not restarted").isEqualTo(firstUid);
    assertThat(contributing.getStatus().phase()).isEqualTo(JobPhase.Running);

    // the new worker's node is lost: the pool shrinks to one, the survivor trains on
    long roundAtLoss = TrainingJobs.round(contributing);
    try {
      cluster.nodeDown("cpu-1");
      HeteroTrainingJob shrunk = TrainingJobs.awaitJob(client, JOB, "the pool shrunk to one", Duration.ofMinutes(4),
          j -> j.getStatus().plan() != null && j.getStatus().plan().size() == 1);
      assertThat(shrunk.getStatus().plan().get(0).worker()).isEqualTo(first.worker());
      TrainingJobs.awaitJob(client, JOB, "the survivor training after the shrink", Duration.ofMinutes(2),
          j -> TrainingJobs.round(j) > Math.max(roundAtLoss, TrainingJobs.round(shrunk)) + 3);
      assertThat(pod(first.worker()).orElseThrow().getMetadata().getUid()).as("the survivor was not restarted").isEqualTo(firstUid);
    } finally {
      cluster.nodeUp("cpu-1");
    }
    HeteroTrainingJob done = TrainingJobs.awaitJob(client, JOB, "Succeeded", Duration.ofMinutes(6),
        j -> TrainingJobs.phase(j, JobPhase.Succeeded));
    assertThat(done.getStatus().coordinator() == null || done.getStatus().coordinator().restarts() == null
        || done.getStatus().coordinator().restarts() == 0).as("the coordinator never restarted").isTrue();
    List<Map<String, String>> members = coordinatorEvents(first.worker(), "members");
    assertThat(members).as("one join, then one leave, seen by the coordinator").hasSizeGreaterThanOrEqualTo(2);
    assertThat(members.get(0)).containsEntry("joined", added.worker());
    assertThat(members.get(1)).containsEntry("left", added.worker());
    System.out.println("real nodes: elastic job done: " + done.getStatus().training().accuracy() + " accuracy after "
        + done.getStatus().training().epoch() + " epochs; members events " + members.size());
    client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).delete();
    JobChildren.awaitAllGone(cluster, JOB);
  }

  private static Optional<Pod> pod(String worker) {
    return Optional.ofNullable(client.pods().inNamespace(OperatorRelease.JOBS).withName(worker).get());
  }

  private static Optional<WorkerStatus> row(HeteroTrainingJob job, String worker) {
    return job.getStatus().workers() == null ? Optional.empty()
        : job.getStatus().workers().stream().filter(w -> w.name().equals(worker)).findFirst();
  }

  /** The fields of the coordinator's event lines of one kind ("@htj KIND key=value ..."), oldest first. */
  private static List<Map<String, String>> coordinatorEvents(String coordinator, String kind) {
    String log = client.pods().inNamespace(OperatorRelease.JOBS).withName(coordinator).getLog();
    return Arrays.stream(log.split("\n")).filter(l -> l.startsWith("@htj " + kind + " ")).map(l -> {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String part : l.substring(("@htj " + kind + " ").length()).trim().split(" ")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
      return fields;
    }).toList();
  }

  private static void cordon(String node, boolean unschedulable) {
    client.nodes().withName(node).edit(n -> {
      n.getSpec().setUnschedulable(unschedulable ? true : null);
      return n;
    });
  }
}
