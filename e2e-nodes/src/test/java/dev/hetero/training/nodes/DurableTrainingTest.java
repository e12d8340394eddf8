package dev.hetero.training.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Durable training state on real nodes: the coordinator's checkpoints on the operator's claim (a
 * hostPath volume reachable from both nodes), a coordinator deleted mid-run (SIGTERM: it
 * checkpoints the round it was in and exits 75, the status says so at once, the new one resumes
 * from that round), suspend and resume (resumes again), and the printed columns of the running
 * and the finished job.
 */
@Order(4)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableTrainingTest {
  static final String JOB = "durable";
  static final Pattern STOPPED = Pattern.compile("@htj stopped round=(\\d+) .*checkpoint=(\\d+) exitCode=75");
  private static LocalCluster cluster;
  private static KubernetesClient client;
  private static long stoppedAt;

  @AfterAll
  static void leaveNoJobBehind() {
    if (client != null) {
      client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).delete();
    }
  }

  static String coordinator(HeteroTrainingJob job) {
    return job.getStatus().plan().stream().filter(w -> w.rank() == 0).map(PlannedWorker::worker).findFirst().orElseThrow();
  }

  static Optional<JobCondition> condition(HeteroTrainingJob job, String type) {
    return job.getStatus() == null || job.getStatus().conditions() == null ? Optional.empty()
        : job.getStatus().conditions().stream().filter(c -> type.equals(c.type())).findFirst();
  }

  @Test
  @Order(1)
  void aDeletedCoordinatorCheckpointsTheRoundItWasInAndTheNewOneResumesFromItOnTheClaim() throws Exception {
    cluster = OperatorRelease.installed();
    client = cluster.client();
    client.resource(TrainingJobs.job(JOB).epochs(2).cpuPool("cpu", 2)
        .spec("checkpoint", "{everyRounds: 5, terminationGracePeriodSeconds: 30}")
        .spec("runPolicy", "{restarts: {preempted: {initialBackoffSeconds: 1, maxBackoffSeconds: 2}}}").job()).create();
    HeteroTrainingJob running = TrainingJobs.awaitJob(client, JOB, "round 12 reported", Duration.ofMinutes(4),
        j -> TrainingJobs.phase(j, JobPhase.Running) && TrainingJobs.round(j) >= 12);
    assertThat(condition(running, "CheckpointReady")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("ClaimBound");
    });
    assertThat(condition(running, "CoordinatorReady").map(JobCondition::reason)).contains("StartedFromScratch");
    printedColumnsOfARunningJob();
    String rank0 = coordinator(running);
    Pod before = client.pods().inNamespace(OperatorRelease.JOBS).withName(rank0).get();
    assertThat(before.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(before.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim() == null ? null
        : v.getPersistentVolumeClaim().getClaimName()).isEqualTo(JOB + "-checkpoints"));

    // Follow the coordinator's log to its end: the pod and its log go once it has stopped.
    CompletableFuture<String> log = follow(rank0);
    Instant deleted = Instant.now();
    client.resource(before).delete();
    // Said at once: status.training is stale from now on.
    HeteroTrainingJob stale = TrainingJobs.awaitJob(client, JOB, "CoordinatorReady False", Duration.ofSeconds(15),
        j -> condition(j, "CoordinatorReady").map(c -> "CoordinatorRestarting".equals(c.reason())).orElse(false));
    System.out.println("real nodes: coordinator restart visible after " + Duration.between(deleted, Instant.now()).toMillis()
        + " ms: " + condition(stale, "CoordinatorReady").orElseThrow().message());
    Matcher stopped = STOPPED.matcher(log.get(90, TimeUnit.SECONDS));
    assertThat(stopped.find()).as("the coordinator's last words: stopped on request after checkpointing").isTrue();
    long round = Long.parseLong(stopped.group(1));
    assertThat(Long.parseLong(stopped.group(2))).as("the checkpoint is of the round at termination").isEqualTo(round);
    stoppedAt = round;

    HeteroTrainingJob counted = TrainingJobs.awaitJob(client, JOB, "the deletion counted", Duration.ofSeconds(60),
        j -> j.getStatus().restarts() != null && j.getStatus().restarts().stream()
            .anyMatch(r -> "PodDeleted".equals(r.reason()) && rank0.equals(r.lastWorker())));
    System.out.println("real nodes: coordinator deletion counted after " + Duration.between(deleted, Instant.now()).toMillis()
        + " ms: " + counted.getStatus().restarts());
    HeteroTrainingJob resumed = TrainingJobs.awaitJob(client, JOB, "the new coordinator resumed", Duration.ofMinutes(3),
        j -> j.getStatus().coordinator() != null && j.getStatus().coordinator().restarts() != null
            && j.getStatus().coordinator().restarts() >= 1 && condition(j, "CoordinatorReady").map(c -> "True".equals(c.status()))
            .orElse(false));
    assertThat(resumed.getStatus().coordinator().resumedFromRound()).as("resumed from the checkpoint of the stop").isEqualTo(round)
        .isPositive();
    assertThat(resumed.getStatus().training().resumedFromRound()).isEqualTo(round);
    assertThat(condition(resumed, "CoordinatorReady").orElseThrow().reason()).isEqualTo("ResumedFromCheckpoint");
    assertThat(client.v1().events().inNamespace(OperatorRelease.JOBS).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("TrainingResumed");
          assertThat(e.getMessage()).contains("round " + round);
        });
    System.out.println("real nodes: coordinator deleted at round " + round + ", resumed from round "
        + resumed.getStatus().coordinator().resumedFromRound());
  }

  @Test
  @Order(2)
  void suspendThenResumeContinuesFromTheCheckpoint() {
    TrainingJobs.awaitJob(client, JOB, "training past the resume", Duration.ofMinutes(3), j -> TrainingJobs.round(j) >= stoppedAt + 5);
    setSuspend(true);
    TrainingJobs.awaitJob(client, JOB, "Suspended", Duration.ofMinutes(2), j -> TrainingJobs.phase(j, JobPhase.Suspended));
    TrainingJobs.await("no pods while suspended", Duration.ofMinutes(2)).until(() -> TrainingJobs.pods(client, JOB).isEmpty());
    long before = TrainingJobs.round(TrainingJobs.get(client, JOB));
    setSuspend(false);
    HeteroTrainingJob resumed = TrainingJobs.awaitJob(client, JOB, "resumed after suspend", Duration.ofMinutes(3),
        j -> j.getStatus().coordinator() != null && j.getStatus().coordinator().restarts() != null
            && j.getStatus().coordinator().restarts() >= 2 && condition(j, "CoordinatorReady").map(c -> "True".equals(c.status()))
            .orElse(false));
    Long from = resumed.getStatus().coordinator().resumedFromRound();
    assertThat(from).as("resumed from the checkpoint written at suspend, not round 0").isNotNull().isGreaterThan(stoppedAt);
    assertThat(from).isLessThanOrEqualTo(before);
    System.out.println("real nodes: suspended at round " + before + ", resumed from round " + from);
  }

  @Test
  @Order(3)
  void theFinishedJobPrintsItsColumnsAndDescribeReadsPlanThenConditionsThenEvents() {
    HeteroTrainingJob done = TrainingJobs.awaitJob(client, JOB, "job finished", Duration.ofMinutes(8),
        j -> TrainingJobs.phase(j, JobPhase.Succeeded) || TrainingJobs.phase(j, JobPhase.Failed));
    assertThat(done.getStatus().phase()).isEqualTo(JobPhase.Succeeded);
    PrintedTable table = PrintedTable.parse(cluster.kubectl("-n", OperatorRelease.JOBS, "get", "htj", JOB, "-o", "wide"));
    var row = table.row(JOB);
    assertThat(row.get("PHASE")).isEqualTo("Succeeded");
    assertThat(row.get("EPOCH")).matches("\\d+\\.\\d{2}");
    assertThat(Double.parseDouble(row.get("EPOCH"))).isGreaterThanOrEqualTo(2.0);
    assertThat(row.get("ACCURACY")).matches("\\d{1,3}\\.\\d%");
    assertThat(row.get("ALGORITHM")).isEqualTo("biasedLocalSGD");
    assertThat(row.get("RUNNING")).isEqualTo("False");
    String describe = cluster.kubectl("-n", OperatorRelease.JOBS, "describe", "htj", JOB);
    System.out.println("real nodes: kubectl describe htj " + JOB + "\n" + describe);
    int assignments = describe.indexOf("  Assignments:");
    int conditions = describe.indexOf("  Conditions:");
    int events = describe.indexOf("Events:");
    assertThat(assignments).as("the per-worker table is in the status").isPositive();
    assertThat(assignments).isLessThan(conditions);
    assertThat(conditions).isLessThan(events);
    assertThat(describe.substring(assignments)).contains("WORKER", "NODE", "SAMPLES/S", JOB + "-cpu-0", JOB + "-cpu-1");
    assertThat(describe.substring(events)).contains("TrainingResumed", "Suspended", "Completed");
  }

  private void printedColumnsOfARunningJob() {
    PrintedTable table = PrintedTable.parse(cluster.kubectl("-n", OperatorRelease.JOBS, "get", "htj", JOB, "-o", "wide"));
    var row = table.row(JOB);
    assertThat(table.headers()).containsSubsequence("NAME", "PHASE", "WORKERS", "EPOCH", "ACCURACY", "SAMPLES/S", "ALGORITHM",
        "SLOWEST", "UPDATED", "RUNNING", "REASON", "AGE");
    assertThat(row.get("PHASE")).isEqualTo("Running");
    assertThat(row.get("WORKERS")).isEqualTo("2/2");
    assertThat(row.get("SAMPLES/S")).matches("\\d+");
    assertThat(row.get("SLOWEST")).matches("\\d{1,3}%");
    assertThat(row.get("RUNNING")).isEqualTo("True");
  }

  private void setSuspend(boolean suspend) {
    client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\": {\"runPolicy\": {\"suspend\": " + suspend + "}}}");
  }

  /** The pod's log, followed until its container exits. */
  private static CompletableFuture<String> follow(String pod) throws IOException {
    Process p = new ProcessBuilder(cluster.kubectlCommand("-n", OperatorRelease.JOBS, "logs", "-f", pod)).redirectErrorStream(true)
        .start();
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
  }
}
