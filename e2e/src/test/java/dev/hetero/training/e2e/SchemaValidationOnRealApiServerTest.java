package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Test 2 of the control-plane issue: invalid jobs are refused at create time by the real API
 * server (CEL rules, bounds, enums, patterns), each with a message naming the field; a valid one
 * is accepted with the schema's defaults filled in.
 */
class SchemaValidationOnRealApiServerTest {
  private static final String NS = "schema-validation";
  private static KubernetesClient client;

  @BeforeAll
  static void setUp() {
    ControlPlane cp = ControlPlane.shared();
    cp.installCrd();
    client = cp.adminClient();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  static Stream<Arguments> invalidJobs() {
    return Stream.of(
        refused("two dataset sources", j -> JobManifest.set(j, "spec.dataset.source.http", Map.of("url", "https://example.org/d/")),
            "spec.dataset.source: set exactly one of path, persistentVolumeClaim or http"),
        refused("no dataset source", j -> JobManifest.set(j, "spec.dataset.source", Map.of()),
            "spec.dataset.source: set exactly one of path, persistentVolumeClaim or http"),
        refused("bad sha256", j -> JobManifest.set(j, "spec.dataset.source", Map.of("http",
            Map.of("url", "https://example.org/d/", "sha256", Map.of("train-images-idx3-ubyte.gz", "ABC")))),
            "spec.dataset.source.http.sha256"),
        refused("both batch styles", j -> JobManifest.set(j, "spec.training.batch", Map.of("global", 64, "perWorker", 8)),
            "spec.training.batch: set exactly one of global or perWorker"),
        refused("milestone at 1", j -> JobManifest.set(j, "spec.training.learningRate", Map.of("milestones", List.of(0.5, 1.0))),
            "spec.training.learningRate.milestones: every milestone must lie strictly between 0 and 1"),
        refused("min batch above max", j -> JobManifest.set(j, "spec.allocation", Map.of("minBatchPerWorker", 64, "maxBatchPerWorker", 32)),
            "spec.allocation.minBatchPerWorker must not exceed spec.allocation.maxBatchPerWorker"),
        refused("base steps above max", j -> JobManifest.set(j, "spec.allocation", Map.of("localSteps", Map.of("base", 9, "max", 4))),
            "spec.allocation.localSteps.base must not exceed spec.allocation.localSteps.max"),
        refused("gamma without power", j -> JobManifest.set(j, "spec.aggregation", Map.of("gamma", 0.5)),
            "spec.aggregation.gamma is required with policy power and not allowed with any other policy"),
        refused("power without gamma", j -> JobManifest.set(j, "spec.aggregation", Map.of("policy", "power")),
            "spec.aggregation.gamma is required with policy power and not allowed with any other policy"),
        refused("class weights without explicit", j -> JobManifest.set(j, "spec.aggregation",
            Map.of("classWeights", Map.of("gpu", 1.0, "cpu", 1.0))),
            "spec.aggregation.classWeights is required with policy explicit and not allowed with any other policy"),
        refused("explicit weights all zero", j -> JobManifest.set(j, "spec.aggregation",
            Map.of("policy", "explicit", "classWeights", Map.of("gpu", 0.0, "cpu", 0.0))),
            "spec.aggregation.classWeights: at least one of gpu and cpu must be positive"),
        refused("min replicas above max", j -> JobManifest.set(j, "spec.pools.1",
            Map.of("name", "cpu", "deviceClass", "cpu", "minReplicas", 5, "maxReplicas", 2)),
            "spec.pools[].minReplicas must not exceed spec.pools[].maxReplicas"),
        refused("replicas outside bounds", j -> JobManifest.set(j, "spec.pools.1",
            Map.of("name", "cpu", "deviceClass", "cpu", "replicas", 9, "maxReplicas", 4)),
            "spec.pools[].replicas must lie within [minReplicas, maxReplicas]"),
        refused("gpusPerWorker on a cpu pool", j -> JobManifest.set(j, "spec.pools.1",
            Map.of("name", "cpu", "deviceClass", "cpu", "replicas", 1, "gpusPerWorker", 2)),
            "spec.pools[].gpusPerWorker is only allowed when deviceClass is gpu"),
        refused("duplicate pool names", j -> JobManifest.set(j, "spec.pools.1", Map.of("name", "gpu", "deviceClass", "cpu", "replicas", 1)),
            "spec.pools[].name must be unique within the job"),
        refused("no pools", j -> JobManifest.set(j, "spec.pools", List.of()), "spec.pools"),
        refused("zero epochs", j -> JobManifest.set(j, "spec.training.epochs", 0), "spec.training.epochs"),
        refused("unknown algorithm", j -> JobManifest.set(j, "spec.training.algorithm", "asyncSGD"), "spec.training.algorithm"),
        refused("pool name not a DNS label", j -> JobManifest.set(j, "spec.pools.0",
            Map.of("name", "GPU_Pool", "deviceClass", "gpu", "replicas", 1)), "spec.pools[0].name"),
        refused("relative dataset path", j -> JobManifest.set(j, "spec.dataset.source.path", "data/x"), "spec.dataset.source.path"),
        refused("gamma above 1", j -> JobManifest.set(j, "spec.aggregation", Map.of("policy", "power", "gamma", 1.5)),
            "spec.aggregation.gamma"),
        refused("unknown model", j -> JobManifest.set(j, "spec.model.name", "vgg16"), "spec.model.name"),
        refused("asyncSAM without its settings", j -> JobManifest.set(j, "spec.training.optimizer", Map.of("method", "asyncSAM")),
            "spec.training.optimizer.asyncSAM is required with method asyncSAM"),
        refused("asyncSAM settings with sam", j -> JobManifest.set(j, "spec.training.optimizer",
            Map.of("method", "sam", "asyncSAM", Map.of("helperPool", "cpu"))), "not allowed with any other method"),
        refused("perturbation batch neither auto nor a count", j -> JobManifest.set(j, "spec.training.optimizer",
            Map.of("method", "asyncSAM", "asyncSAM", Map.of("helperPool", "cpu", "perturbationBatch", "fast"))),
            "spec.training.optimizer.asyncSAM.perturbationBatch must be auto or a number of samples from 1 to 65536"),
        refused("perturbation batch 0", j -> JobManifest.set(j, "spec.training.optimizer",
            Map.of("method", "asyncSAM", "asyncSAM", Map.of("helperPool", "cpu", "perturbationBatch", 0))),
            "spec.training.optimizer.asyncSAM.perturbationBatch must be auto or a number of samples from 1 to 65536"),
        refused("helper pool not in the job", j -> JobManifest.set(j, "spec.training.optimizer",
            Map.of("method", "asyncSAM", "asyncSAM", Map.of("helperPool", "helpers"))),
            "spec.training.optimizer.asyncSAM.helperPool must name a pool of spec.pools"),
        refused("negative staleness", j -> JobManifest.set(j, "spec.training.optimizer",
            Map.of("method", "asyncSAM", "asyncSAM", Map.of("helperPool", "cpu", "staleness", -1))),
            "spec.training.optimizer.asyncSAM.staleness"),
        refused("rho 0", j -> JobManifest.set(j, "spec.training.optimizer", Map.of("method", "sam", "rho", 0)),
            "spec.training.optimizer.rho"));
  }

  private static Arguments refused(String what, Consumer<GenericKubernetesResource> breakIt, String message) {
    return Arguments.of(what, breakIt, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidJobs")
  void invalidJobIsRefusedWithTheFieldNamed(String what, Consumer<GenericKubernetesResource> breakIt, String message) {
    GenericKubernetesResource job = JobManifest.valid("bad-" + Math.abs(what.hashCode()), NS);
    breakIt.accept(job);
    assertThatThrownBy(() -> client.resource(job).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  @Test
  void validJobIsAcceptedAndDefaultedByTheSchema() {
    GenericKubernetesResource created = client.resource(JobManifest.valid("good", NS)).create();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) created.getAdditionalProperties().get("spec");
    assertThat(spec).extractingByKey("allocation").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("minBatchPerWorker", 8).containsEntry("maxBatchPerWorker", 1024)
        .containsKey("localSteps");
    assertThat(spec).extractingByKey("runPolicy").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("backoffLimit", 3).containsEntry("cleanPodPolicy", "Running");
    assertThat(spec).extractingByKey("aggregation").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("policy", "uniform");
  }

  @Test
  void deviceClassOfAPoolCannotChange() {
    GenericKubernetesResource job = client.resource(JobManifest.valid("immutable", NS)).create();
    JobManifest.set(job, "spec.pools.1", Map.of("name", "cpu", "deviceClass", "gpu", "replicas", 2));
    assertThatThrownBy(() -> client.resource(job).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.pools[].deviceClass is immutable");
    // Adding a new pool (a new name) is fine.
    GenericKubernetesResource fresh = client.resource(JobManifest.valid("immutable", NS)).inNamespace(NS).get();
    JobManifest.pools(fresh).add(Map.of("name", "cpu2", "deviceClass", "cpu", "replicas", 1));
    assertThat(client.resource(fresh).update().getMetadata().getGeneration()).isEqualTo(2L);
  }
}
