package dev.hetero.training.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scenarios 2, 3, 5 and 6 on one job: a mixed job (one "GPU" worker, one CPU worker) whose pods run
 * the trainer image, find the coordinator through the headless Service's DNS name, report progress
 * through the API server with the job's own ServiceAccount, serve /metrics, train Fashion-MNIST from
 * a PersistentVolume to at least 85 % and succeed; deleting the job then removes every child,
 * containers included. The "GPU" worker gets the fake device plugin's GPU and no CUDA: it trains on
 * the CPU because its pool allows the fallback, and a GPU pool that does not fails as NoCudaDevice.
 */
@Order(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MixedJobTest {
  static final String JOB = "mixed";
  private static LocalCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void applyTheJob() {
    cluster = OperatorRelease.installed();
    client = cluster.client();
    client.resource(TrainingJobs.mixed(JOB).epochs(2).job()).create();
  }

  @AfterAll
  static void leaveNoJobBehind() {
    if (client != null) {
      client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).delete();
    }
  }

  @Test
  @Order(1)
  void theMixedJobIsPlannedOntoTheGpuAndCpuNodesAndItsPodsRunTheTrainerImage() {
    HeteroTrainingJob job = TrainingJobs.awaitJob(client, JOB, "job Running", Duration.ofMinutes(3),
        j -> TrainingJobs.phase(j, JobPhase.Running));
    Map<String, String> nodeByPool = Map.of("gpu", "gpu-1", "cpu", "cpu-1");
    assertThat(job.getStatus().plan()).hasSize(2)
        .allSatisfy(w -> assertThat(w.node()).isEqualTo(nodeByPool.get(w.pool())));
    List<Pod> pods = TrainingJobs.pods(client, JOB);
    assertThat(pods).hasSize(2).allSatisfy(p -> {
      assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("docker.io/hetero-training/trainer:0.1.0");
      assertThat(p.getStatus().getContainerStatuses().get(0).getImageID()).isNotBlank();
      assertThat(p.getSpec().getNodeName()).isEqualTo(nodeByPool.get(p.getMetadata().getLabels().get("training.hetero.dev/pool")));
    });
  }

  @Test
  @Order(2)
  void workersReachTheCoordinatorThroughTheHeadlessServicesDnsName() {
    PlannedWorker rank1 = TrainingJobs.get(client, JOB).getStatus().plan().stream().filter(w -> w.rank() == 1).findFirst().orElseThrow();
    Pod worker = client.pods().inNamespace(OperatorRelease.JOBS).withName(rank1.worker()).get();
    String address = TrainingJobs.env(worker, "COORDINATOR_ADDR");
    assertThat(address).as("a DNS name of the headless Service, not an IP")
        .matches("mixed-gpu-0\\.mixed-workers\\." + OperatorRelease.JOBS + "\\.svc:29500");
    TrainingJobs.await("the worker connected to " + address, Duration.ofMinutes(2))
        .until(() -> cluster.kubectl("-n", OperatorRelease.JOBS, "logs", rank1.worker()).contains("connected to " + address));
    // The fake device plugin gave mixed-gpu-0 a GPU; the CPU image finds no CUDA and the pool allows the fallback.
    Pod gpu = client.pods().inNamespace(OperatorRelease.JOBS).withName("mixed-gpu-0").get();
    assertThat(TrainingJobs.env(gpu, "NVIDIA_DRIVER_CAPABILITIES")).isEqualTo("compute,utility");
    String log = cluster.kubectl("-n", OperatorRelease.JOBS, "logs", "mixed-gpu-0");
    assertThat(log).contains("device fallback: worker mixed-gpu-0 (pool gpu) asked for a CUDA device and found none")
        .contains("NVIDIA_VISIBLE_DEVICES='").contains("trains on cpu() (fell back from gpu)");
  }

  @Test
  @Order(3)
  void theTrainerReportsThroughTheApiServerAndKubectlShowsIt() {
    HeteroTrainingJob job = TrainingJobs.awaitJob(client, JOB, "a reported accuracy while running", Duration.ofMinutes(4),
        j -> j.getStatus().training() != null && j.getStatus().training().accuracy() != null && TrainingJobs.phase(j, JobPhase.Running));
    assertThat(job.getStatus().workers()).hasSize(2).allSatisfy(w -> assertThat(w.lastRound()).isPositive());
    // Written by the coordinator's StatusReporter under its own field manager, with the job's token.
    List<ManagedFieldsEntry> managers = job.getMetadata().getManagedFields();
    assertThat(managers).anySatisfy(m -> {
      assertThat(m.getManager()).isEqualTo("hetero-trainer");
      assertThat(m.getSubresource()).isEqualTo("status");
      assertThat(m.getFieldsV1().getAdditionalProperties().toString()).contains("f:training", "f:workers");
    });
    PrintedTable table = PrintedTable.parse(cluster.kubectl("-n", OperatorRelease.JOBS, "get", "htj", JOB));
    Map<String, String> row = table.row(JOB);
    assertThat(table.headers()).contains("PHASE", "WORKERS", "EPOCH", "ACCURACY", "SAMPLES/S", "AGE");
    assertThat(row.get("PHASE")).isEqualTo("Running");
    assertThat(row.get("WORKERS")).isEqualTo("2/2");
    assertThat(row.get("EPOCH")).matches("\\d+\\.\\d{2}");
    assertThat(row.get("ACCURACY")).matches("\\d{1,3}\\.\\d%");
    assertThat(row.get("SAMPLES/S")).matches("\\d+");
  }

  @Test
  @Order(4)
  void aTrainerPodServesTheDocumentedMetrics() throws Exception {
    PlannedWorker coordinator = TrainingJobs.get(client, JOB).getStatus().plan().stream().filter(w -> w.rank() == 0).findFirst().orElseThrow();
    try (LocalPortForward forward = client.pods().inNamespace(OperatorRelease.JOBS).withName(coordinator.worker()).portForward(9400)) {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + forward.getLocalPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).contains("hetero_trainer_steps_total", "hetero_trainer_samples_per_second", "hetero_trainer_loss",
          "hetero_trainer_accuracy", "hetero_trainer_round_seconds_bucket", "hetero_trainer_bytes_sent_total",
          "hetero_trainer_aggregation_wait_seconds");
    }
  }

  @Test
  @Order(5)
  void theJobSucceedsAboveEightyFivePercent() {
    HeteroTrainingJob job = TrainingJobs.awaitJob(client, JOB, "job Succeeded", Duration.ofMinutes(8),
        j -> TrainingJobs.phase(j, JobPhase.Succeeded) || TrainingJobs.phase(j, JobPhase.Failed));
    assertThat(job.getStatus().phase()).isEqualTo(JobPhase.Succeeded);
    assertThat(job.getStatus().training().accuracy()).isGreaterThanOrEqualTo(0.85);
    assertThat(job.getStatus().training().epoch()).isGreaterThanOrEqualTo(2.0);
    PrintedTable table = PrintedTable.parse(cluster.kubectl("-n", OperatorRelease.JOBS, "get", "htj", JOB));
    assertThat(table.row(JOB).get("PHASE")).isEqualTo("Succeeded");
    System.out.println("real nodes: mixed job " + job.getStatus().training().accuracy() + " accuracy, "
        + job.getStatus().training().epoch() + " epochs, started " + job.getStatus().startTime() + ", completed "
        + job.getStatus().completionTime());
  }

  @Test
  @Order(6)
  void deletingTheJobRemovesEveryChildRealContainersIncluded() {
    client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(JOB).delete();
    JobChildren.awaitAllGone(cluster, JOB);
  }

  @Test
  @Order(7)
  void aGpuPoolWithoutFallbackFailsAsNoCudaDeviceNamingThePodAndWhatItFound() {
    // gpu-1's one fake GPU is free again; backoffLimit 0: the first exit 69 fails the job.
    String strict = "strict";
    client.resource(TrainingJobs.job(strict).epochs(1).spec("runPolicy", "{backoffLimit: 0}").pool("""
        name: gpu
        deviceClass: gpu
        replicas: 1
        cpusPerWorker: 1""").job()).create();
    try {
      HeteroTrainingJob failed = TrainingJobs.awaitJob(client, strict, "job Failed", Duration.ofMinutes(3),
          j -> TrainingJobs.phase(j, JobPhase.Failed));
      var condition = failed.getStatus().conditions().stream().filter(c -> "Failed".equals(c.type())).findFirst().orElseThrow();
      assertThat(condition.reason()).isEqualTo("NoCudaDevice");
      assertThat(condition.message()).contains("worker strict-gpu-0 found no usable CUDA device (NoCudaDevice, exit 69")
          .contains("asked for a CUDA device (deviceClass gpu, deviceFallback none)").contains("NVIDIA_VISIBLE_DEVICES='");
      Pod pod = client.pods().inNamespace(OperatorRelease.JOBS).withName("strict-gpu-0").get();
      assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(69);
    } finally {
      client.resources(HeteroTrainingJob.class).inNamespace(OperatorRelease.JOBS).withName(strict).delete();
    }
  }
}
