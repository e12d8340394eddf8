package dev.hetero.training.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.operator.reconciler.MockServerSupport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The packaged application as Quarkus wires it (CDI, QOSDK, Micrometer, SmallRye Health) against
 * the Quarkus mock API server: it reconciles a job, reports health, and serves both JOSDK's and
 * the domain's metrics on /q/metrics.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = OperatorQuarkusTest.ClusterSetup.class)
class OperatorQuarkusTest {
  static final String NS = "quarkus-test";

  @KubernetesTestServer
  KubernetesServer server;

  @Inject
  KubernetesClient client;

  @TestHTTPResource("/q/health/ready")
  URL ready;

  @TestHTTPResource("/q/health/live")
  URL live;

  @TestHTTPResource("/q/metrics")
  URL metrics;

  /** Runs before the application starts: the CRD and a small cluster. */
  public static class ClusterSetup implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      KubernetesClient c = server.getClient();
      try {
        MockServerSupport.applyCrd(c);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      c.nodes().resource(Fixtures.gpuNode("gpu-a", "NVIDIA-A100")).create();
      c.nodes().resource(Fixtures.cpuNode("cpu-a", "8")).create();
    }
  }

  @Test
  void reconcilesAJobAndServesHealthAndMetrics() throws Exception {
    client.resource(Fixtures.job("quarkus-job", NS)).create();
    MockServerSupport.await("3 worker pods", Duration.ofSeconds(30),
        () -> MockServerSupport.workerPods(client, NS, "quarkus-job").size() == 3);
    MockServerSupport.await("Planned", Duration.ofSeconds(30),
        () -> MockServerSupport.phase(client, NS, "quarkus-job") == JobPhase.Planned);
    HeteroTrainingJob job = MockServerSupport.job(client, NS, "quarkus-job");
    assertThat(job.getStatus().plan()).hasSize(3);
    assertThat(client.configMaps().inNamespace(NS).withName("quarkus-job-plan").get()).isNotNull();
    assertThat(client.secrets().inNamespace(NS).withName("quarkus-job-token").get()).isNotNull();
    // Configured image from application.properties is used for pools without their own image.
    assertThat(MockServerSupport.workerPods(client, NS, "quarkus-job").get(0).getSpec().getContainers().get(0).getImage())
        .isEqualTo("docker.io/hetero-training/trainer:0.1.0");

    HttpClient http = HttpClient.newHttpClient();
    assertThat(get(http, live).statusCode()).isEqualTo(200);
    HttpResponse<String> readiness = get(http, ready);
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body()).contains("UP");

    MockServerSupport.await("metrics", Duration.ofSeconds(10), () -> {
      String body = get(http, metrics).body();
      return body.contains("hetero_jobs{phase=\"Planned\"} 1.0") && body.contains("hetero_planned_capacity");
    });
    String body = get(http, metrics).body();
    // JOSDK's reconcile metrics (Micrometer v2 names) next to the domain series.
    assertThat(body).contains("reconciliations_execution_duration_seconds_count{controller_name=\"heterotrainingjob\"}");
    assertThat(body).contains("hetero_time_to_running_seconds_bucket");
    assertThat(body).containsPattern("hetero_reconciles_total\\{phase=\"Planned\"} [1-9]");
    assertThat(body).contains("hetero_planned_workers{device_class=\"cpu\",job=\"quarkus-job\",namespace=\"quarkus-test\",pool=\"cpu\"} 2.0");
  }

  private static HttpResponse<String> get(HttpClient http, URL url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
