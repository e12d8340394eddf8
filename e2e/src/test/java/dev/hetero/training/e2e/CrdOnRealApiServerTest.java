package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Test 1 of the control-plane issue: the CRD installs from crds/ and from the chart; explain is useful. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrdOnRealApiServerTest {

  @Test
  @Order(1)
  void committedCrdIsEstablishedAndKubectlExplainShowsTheDescriptions() {
    ControlPlane cp = ControlPlane.shared();
    cp.installCrd();

    String pools = cp.kubectlEventually("explain", "htj.spec.pools");
    assertThat(flat(pools)).contains("GROUP: training.hetero.dev").contains("KIND: HeteroTrainingJob").contains("VERSION: v1alpha1")
        .contains("Pools of workers").contains("deviceClass").contains("gpusPerWorker");
    assertThat(flat(cp.kubectl("explain", "htj.spec.training.batch.global"))).contains("split among the workers in proportion to their capacity");
    assertThat(flat(cp.kubectl("explain", "htj.status.conditions"))).contains("one per type");
    assertThat(flat(cp.kubectl("explain", "heterotrainingjobs"))).contains("biased local SGD");
    assertThat(cp.kubectl("api-resources", "--api-group=training.hetero.dev"))
        .contains("heterotrainingjobs").contains("htj").contains("true").contains("HeteroTrainingJob");
  }

  @Test
  @Order(2)
  void chartInstallsTheSameCrdOnACleanServer() throws Exception {
    ControlPlane cp = ControlPlane.shared();
    try (KubernetesClient client = cp.adminClient()) {
      // Start from no CRD, so that what is Established afterwards came from the chart.
      client.apiextensions().v1().customResourceDefinitions().withName(Repo.CRD_NAME).delete();
      client.apiextensions().v1().customResourceDefinitions().withName(Repo.CRD_NAME)
          .waitUntilCondition(c -> c == null, 60, TimeUnit.SECONDS);

      var result = new Helm(Repo.root().resolve("helm").resolve("hetero-training-operator"))
          .install()
          .withName("hetero")
          .withNamespace("hetero-system")
          .createNamespace()
          .withKubeConfigContents(cp.kubeconfigYaml())
          .call();
      assertThat(result.getStatus()).isEqualTo("deployed");

      ControlPlane.waitEstablished(client, Repo.CRD_NAME);
      CustomResourceDefinition fromChart = client.apiextensions().v1().customResourceDefinitions().withName(Repo.CRD_NAME).get();
      CustomResourceDefinition committed = client.apiextensions().v1().customResourceDefinitions()
          .load(java.nio.file.Files.newInputStream(Repo.root().resolve("crds").resolve(Repo.CRD_FILE))).item();
      assertThat(fromChart.getSpec().getVersions().get(0).getAdditionalPrinterColumns()).extracting(c -> c.getName())
          .containsExactlyElementsOf(committed.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
              .map(c -> c.getName()).toList());
      assertThat(client.rbac().clusterRoles().withName("hetero-hetero-training-operator").get()).isNotNull();
      assertThat(client.apps().deployments().inNamespace("hetero-system").list().getItems()).hasSize(1);

      new Helm(Repo.root().resolve("helm").resolve("hetero-training-operator")).uninstall("hetero")
          .withNamespace("hetero-system").withKubeConfigContents(cp.kubeconfigYaml()).call();
      // Helm keeps CRDs on uninstall (they hold users' jobs); the committed file restores ownership for later tests.
      assertThat(client.apiextensions().v1().customResourceDefinitions().withName(Repo.CRD_NAME).get()).isNotNull();
    } finally {
      cp.installCrd();
    }
  }

  /** kubectl explain wraps descriptions; compare with whitespace collapsed. */
  private static String flat(String text) {
    return text.replaceAll("\\s+", " ");
  }
}
