package dev.hetero.training.helm;

import static dev.hetero.training.helm.Chart.sets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad values are refused before anything renders, with a message that names the value. */
class ValuesSchemaTest {

  static Stream<Arguments> refusedBySchema() {
    return Stream.of(
        Arguments.of(sets("replicaCount", 0), "at '/replicaCount': minimum: got 0, want 1"),
        Arguments.of(sets("replicaCount", "two"), "/replicaCount"),
        Arguments.of(sets("image.pullPolicy", "Sometimes"), "/image/pullPolicy"),
        Arguments.of(sets("image.repository", "Registry.Example.com/Operator"), "/image/repository"),
        Arguments.of(sets("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "Team_B"), "/watchNamespaces/1"),
        Arguments.of(sets("watchNamespaces", "team-a"), "/watchNamespaces"),
        Arguments.of(sets("retryInterval", "ten seconds"), "/retryInterval"),
        Arguments.of(sets("nodeLostGrace", "2 minutes"), "/nodeLostGrace"),
        Arguments.of(sets("gpuCapacity.A100", -5), "/gpuCapacity/A100"),
        Arguments.of(sets("gpuCapacity.A100", "fast"), "/gpuCapacity/A100"),
        Arguments.of(sets("leaderElection.enabled", "maybe"), "/leaderElection/enabled"),
        Arguments.of(sets("service.port", 70000), "/service/port"),
        Arguments.of(sets("podSecurityContext.runAsUser", 0), "/podSecurityContext/runAsUser"),
        Arguments.of(sets("extraEnv[0].name", "HETERO_TRAINER_IMAGE", "extraEnv[0].value", "x"), "/extraEnv/0/name"),
        Arguments.of(sets("trainer.image", ""), "/trainer/image"),
        Arguments.of(sets("trainer.gpuImage", "registry.example.com/trainer:1 cu124"), "/trainer/gpuImage"),
        Arguments.of(sets("livenessProbe.periodSeconds", 0), "/livenessProbe/periodSeconds"),
        Arguments.of(sets("replicas", 2), "additional properties 'replicas' not allowed"),
        Arguments.of(sets("metrics.serviceMonitor.enable", true), "at '/metrics/serviceMonitor': additional properties 'enable' not allowed"));
  }

  @ParameterizedTest(name = "{0} refused naming {1}")
  @MethodSource
  void refusedBySchema(Map<String, Object> values, String namedValue) {
    assertThatThrownBy(() -> Chart.template(values))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(namedValue);
  }

  static Stream<Arguments> refusedByCrossFieldChecks() {
    return Stream.of(
        Arguments.of(sets("replicaCount", 2, "leaderElection.enabled", false), "leaderElection.enabled"),
        Arguments.of(sets("podDisruptionBudget.enabled", true), "podDisruptionBudget.minAvailable"),
        Arguments.of(sets("replicaCount", 3, "podDisruptionBudget.enabled", true, "podDisruptionBudget.minAvailable", 3),
            "podDisruptionBudget.minAvailable=3 must be lower than replicaCount=3"),
        Arguments.of(sets("serviceAccount.create", false), "serviceAccount.name"));
  }

  @ParameterizedTest(name = "{0} refused naming {1}")
  @MethodSource
  void refusedByCrossFieldChecks(Map<String, Object> values, String message) {
    assertThatThrownBy(() -> Chart.template(values)).hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} accepted")
  @MethodSource
  void acceptedEdgeValues(Map<String, Object> values) {
    assertThat(Chart.template(values)).contains("kind: Deployment");
  }

  static Stream<Map<String, Object>> acceptedEdgeValues() {
    return Stream.of(
        sets("retryInterval", "PT10S", "nodeLostGrace", "PT2M"),
        sets("gpuCapacity.A100", 96, "gpuCapacity.RTX-A6000", "56.5"),
        sets("image.tag", "0.1.0@sha256:" + "a".repeat(64)),
        sets("replicaCount", 3, "podDisruptionBudget.enabled", true, "podDisruptionBudget.minAvailable", 2));
  }
}
