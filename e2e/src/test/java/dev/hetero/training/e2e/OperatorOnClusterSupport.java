package dev.hetero.training.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * For test classes that run one operator process (the built jar) against the shared cluster with an
 * admin client: {@link #startOperator} in their {@code @BeforeAll}; the operator and client are closed
 * after the class. Classes run one after another in this module, so one set of fields serves each in turn.
 */
abstract class OperatorOnClusterSupport {
  static Cluster cluster;
  static KubernetesClient client;
  static OperatorProcess operator;

  /** The shared cluster with the CRD installed, an admin client, and an operator started with {@code env}. */
  static void startOperator(String name, Map<String, String> env) {
    cluster = Cluster.shared();
    cluster.controlPlane().installCrd();
    client = cluster.controlPlane().adminClient();
    operator = OperatorProcess.start(cluster.controlPlane(), name, env);
  }

  @AfterAll
  static void stopOperatorAndClient() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
