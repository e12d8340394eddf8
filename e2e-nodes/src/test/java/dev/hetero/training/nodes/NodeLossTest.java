package dev.hetero.training.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Machines lost under a running job (hack/local-cluster.sh node-down: kubelet, containers and
 * containerd stop): a worker's node makes the job Running and Degraded (not Unschedulable) while
 * the coordinator trains on, until a replacement joins; the coordinator's node makes the job plan
 * it elsewhere and resume from the checkpoint claim. Each node comes back for the next scenario.
 */
@Order(5)
class NodeLossTest {
  private static LocalCluster cluster;
  private static KubernetesClient client;

  @AfterAll
  static void leaveNoJobBehind() {
    if (client != null) {
      for (String job : new String[] {"degraded", "moved"}) {
        client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(job).delete();
      }
    }
  }

  static Optional<JobCondition> condition(HeteroTrainingJob job, String type) {
    return job.getStatus() == null || job.getStatus().conditions() == null ? Optional.empty()
        : job.getStatus().conditions().stream().filter(c -> type.equals(c.type())).findFirst();
  }

  static PlannedWorker rank(HeteroTrainingJob job, int rank) {
    return job.getStatus().plan().stream().filter(w -> w.rank() == rank).findFirst().orElseThrow();
  }

  @Test
  @Order(1)
  void aLostWorkerNodeLeavesTheJobRunningAndDegradedUntilAReplacementJoins() {
    cluster = OperatorRelease.installed();
    client = cluster.client();
    // The "GPU" worker is rank 0 on gpu-1; the CPU worker goes to cpu-1 (gpu-1 has no room for a second worker).
    client.resource(TrainingJobs.mixed("degraded").epochs(3).spec("checkpoint", "{everyRounds: 10}").job()).create();
    HeteroTrainingJob running = TrainingJobs.awaitJob(client, "degraded", "a few rounds", Duration.ofMinutes(4),
        j -> TrainingJobs.phase(j, JobPhase.Running) && TrainingJobs.round(j) >= 5);
    PlannedWorker worker = rank(running, 1);
    assertThat(worker.node()).isEqualTo("cpu-1");
    assertThat(rank(running, 0).node()).isEqualTo("gpu-1");
    assertThat(OperatorRelease.operatorNodes(client)).as("the operator survives the loss of cpu-1")
        .containsOnly(OperatorRelease.OPERATOR_NODE);
    try {
      cluster.nodeDown("cpu-1");
      HeteroTrainingJob degraded = TrainingJobs.awaitJob(client, "degraded", "Degraded", Duration.ofMinutes(2),
          j -> condition(j, "Degraded").map(c -> "True".equals(c.status())).orElse(false));
      assertThat(degraded.getStatus().phase()).as("the coordinator trains on: Running, not Unschedulable").isEqualTo(JobPhase.Running);
      assertThat(condition(degraded, "Degraded").orElseThrow().message()).contains(worker.worker(), "cpu-1", "since");
      long roundThen = TrainingJobs.round(degraded);
      // Past the node-lost grace (30 s here) the worker fits nowhere else (the NodeLost event says so): still Running and
      // Degraded, and the survivor trains.
      TrainingJobs.await("the node declared lost", Duration.ofMinutes(2)).until(() -> client.v1().events()
          .inNamespace(OperatorRelease.JOBS).list().getItems().stream().anyMatch(e -> "NodeLost".equals(e.getReason())
              && e.getInvolvedObject().getName().equals("degraded") && e.getMessage().contains("fit nowhere else")));
      HeteroTrainingJob later = TrainingJobs.awaitJob(client, "degraded", "the survivor trains on", Duration.ofMinutes(2),
          j -> TrainingJobs.round(j) >= roundThen + 5 && condition(j, "Unschedulable").map(c -> "False".equals(c.status())).orElse(false));
      assertThat(later.getStatus().phase()).isEqualTo(JobPhase.Running);
      assertThat(condition(later, "Degraded").orElseThrow().status()).isEqualTo("True");
      System.out.println("real nodes: degraded job: " + condition(later, "Degraded").orElseThrow().message());
      assertThat(String.join("\n", later.getStatus().assignments())).contains(worker.worker());
    } finally {
      cluster.nodeUp("cpu-1");
    }
    HeteroTrainingJob recovered = TrainingJobs.awaitJob(client, "degraded", "Degraded cleared", Duration.ofMinutes(3),
        j -> condition(j, "Degraded").map(c -> "AllWorkersTraining".equals(c.reason())).orElse(false));
    assertThat(recovered.getStatus().phase()).isEqualTo(JobPhase.Running);
    assertThat(recovered.getStatus().workersReady()).isEqualTo("2/2");
    System.out.println("real nodes: degraded job recovered: restarts " + recovered.getStatus().restarts());
    assertThat(client.v1().events().inNamespace(OperatorRelease.JOBS).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Degraded"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Recovered"));
    client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName("degraded").delete();
    JobChildren.awaitAllGone(cluster, "degraded");
  }

  @Test
  @Order(2)
  void losingTheCoordinatorsNodeReplansItAndItResumesFromTheClaim() {
    // One worker, which is the coordinator; its node lost, the other node has room for it.
    client.resource(TrainingJobs.job("moved").epochs(3).cpuPool("cpu", 1).spec("checkpoint", "{everyRounds: 5}")
        .spec("runPolicy", "{restarts: {nodeLost: {initialBackoffSeconds: 1}}}").job()).create();
    HeteroTrainingJob running = TrainingJobs.awaitJob(client, "moved", "past a checkpoint", Duration.ofMinutes(4),
        j -> TrainingJobs.phase(j, JobPhase.Running) && j.getStatus().training() != null
            && j.getStatus().training().lastCheckpointRound() != null && j.getStatus().training().lastCheckpointRound() >= 10);
    // Equal capacity, ties by name: cpu-1 (gpu-1 also runs the operator, which must survive the loss).
    String lost = rank(running, 0).node();
    assertThat(lost).isEqualTo("cpu-1");
    String other = "gpu-1";
    assertThat(OperatorRelease.operatorNodes(client)).as("the operator survives the loss of " + lost)
        .containsOnly(OperatorRelease.OPERATOR_NODE);
    try {
      cluster.nodeDown(lost);
      HeteroTrainingJob moved = TrainingJobs.awaitJob(client, "moved", "re-planned and resumed", Duration.ofMinutes(4),
          j -> j.getStatus().plan() != null && other.equals(rank(j, 0).node()) && j.getStatus().coordinator() != null
              && j.getStatus().coordinator().restarts() != null && j.getStatus().coordinator().restarts() >= 1
              && condition(j, "CoordinatorReady").map(c -> "True".equals(c.status())).orElse(false));
      Long from = moved.getStatus().coordinator().resumedFromRound();
      assertThat(from).as("resumed from the checkpoint on the claim, not round 0").isNotNull().isGreaterThanOrEqualTo(10);
      assertThat(moved.getStatus().restarts()).anySatisfy(r -> {
        assertThat(r.reason()).isEqualTo("NodeLost");
        assertThat(r.causeCount()).isEqualTo(1);
      });
      TrainingJobs.awaitJob(client, "moved", "training after the move", Duration.ofMinutes(2), j -> TrainingJobs.round(j) > from + 2);
      System.out.println("real nodes: coordinator's node " + lost + " lost; moved to " + other + ", resumed from round " + from);
    } finally {
      cluster.nodeUp(lost);
    }
    client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName("moved").delete();
    JobChildren.awaitAllGone(cluster, "moved");
  }
}
