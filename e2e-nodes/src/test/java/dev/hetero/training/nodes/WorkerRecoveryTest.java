package dev.hetero.training.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4: a worker's pod is deleted mid-run (as by an admin or an eviction). The operator
 * recreates it, the new container rejoins with the current model, the job completes, and the
 * replacement is counted in status.
 */
@Order(3)
class WorkerRecoveryTest {
  static final String JOB = "recovery";
  private static KubernetesClient client;

  @AfterAll
  static void leaveNoJobBehind() {
    if (client != null) {
      client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).delete();
    }
  }

  @Test
  void aDeletedWorkerIsRecreatedRejoinsAndIsCounted() {
    LocalCluster cluster = OperatorRelease.installed();
    client = cluster.client();
    client.resource(TrainingJobs.job(JOB).epochs(3).cpuPool("cpu", 2).job()).create();
    HeteroTrainingJob running = TrainingJobs.awaitJob(client, JOB, "a few rounds reported", Duration.ofMinutes(4),
        j -> TrainingJobs.round(j) >= 3);
    PlannedWorker victim = running.getStatus().plan().stream().filter(w -> w.rank() == 1).findFirst().orElseThrow();
    Pod before = client.pods().inNamespace(OperatorRelease.JOBS).withName(victim.worker()).get();
    long roundAtDeletion = TrainingJobs.round(running);
    client.resource(before).delete();

    Pod after = TrainingJobs.await("a new pod for " + victim.worker(), Duration.ofMinutes(2)).until(
        () -> client.pods().inNamespace(OperatorRelease.JOBS).withName(victim.worker()).get(),
        p -> p != null && !p.getMetadata().getUid().equals(before.getMetadata().getUid())
            && "Running".equals(p.getStatus().getPhase()));
    HeteroTrainingJob counted = TrainingJobs.awaitJob(client, JOB, "the replacement counted", Duration.ofMinutes(1),
        j -> j.getStatus().restartCount() != null && j.getStatus().restartCount() >= 1);
    assertThat(counted.getStatus().restarts()).anySatisfy(r -> assertThat(r.lastWorker()).isEqualTo(victim.worker()));
    // Rejoined: the replacement contributes to rounds after the one at which its predecessor died.
    TrainingJobs.await("the replacement contributes", Duration.ofMinutes(3)).until(() -> {
      HeteroTrainingJob j = TrainingJobs.get(client, JOB);
      return j.getStatus().workers() != null && j.getStatus().workers().stream()
          .anyMatch(w -> w.name().equals(victim.worker()) && w.lastRound() != null && w.lastRound() > roundAtDeletion + 1);
    });
    HeteroTrainingJob done = TrainingJobs.awaitJob(client, JOB, "job finished", Duration.ofMinutes(8),
        j -> TrainingJobs.phase(j, JobPhase.Succeeded) || TrainingJobs.phase(j, JobPhase.Failed));
    assertThat(done.getStatus().phase()).isEqualTo(JobPhase.Succeeded);
    assertThat(done.getStatus().training().accuracy()).isGreaterThan(0.8);
    // Every worker ended with the coordinator's final model (the coordinator logs the digests).
    String log = cluster.kubectl("-n", OperatorRelease.JOBS, "logs", running.getStatus().plan().get(0).worker());
    String doneLine = log.lines().filter(l -> l.contains("done ") && l.contains("workerDigests")).reduce((a, b) -> b).orElseThrow();
    assertThat(after.getSpec().getNodeName()).isNotBlank();
    assertThat(doneLine).as("final digests").satisfies(l -> {
      String digest = l.replaceAll(".*\\bdigest=([0-9a-f]+).*", "$1");
      String workers = l.replaceAll(".*workerDigests=([0-9a-f,]+).*", "$1");
      assertThat(workers.split(",")).containsOnly(digest);
    });
    client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).delete();
    JobChildren.awaitAllGone(cluster, JOB);
  }
}
