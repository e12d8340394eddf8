package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Test 9 of the control-plane issue: the operator, impersonating a ServiceAccount that holds
 * exactly the RBAC the Helm chart renders (ClusterRole + leader-election Role), does its whole
 * job; with any single rule taken away, something visibly breaks, so no rule is unused.
 */
class OperatorUnderChartRbacTest {
  private static final String OPERATOR_NS = "hetero-system";
  private static final String OPERATOR_SA = "e2e-chart-operator";
  private static final String GRANT = "e2e-chart-operator";

  private static ControlPlane cp;
  private static KubernetesClient admin;
  private static List<PolicyRule> clusterRules;
  private static List<PolicyRule> leaseRules;
  private static int runs;
  private static boolean kueueApi;

  @BeforeAll
  static void setUp() {
    Cluster cluster = Cluster.shared();
    cp = cluster.controlPlane();
    cp.installCrd();
    admin = cp.adminClient();
    // With Kueue's API served the operator watches Workloads, so the chart's workloads rule is used.
    kueueApi = Kueue.installCrdsIfAvailable(admin);
    Jobs.namespace(admin, OPERATOR_NS);
    admin.resource(new ServiceAccountBuilder().withNewMetadata().withName(OPERATOR_SA).withNamespace(OPERATOR_NS).endMetadata()
        .build()).serverSideApply();
    for (String node : List.of("rbac-a", "rbac-b")) {
      if (admin.nodes().withName(node).get() == null) {
        Cluster.createNode(admin, node, 4, "16Gi", 0, Jobs.suite("rbac"));
      }
    }
    // The job's GPU worker claims its GPU through DRA, so the resource.k8s.io rules are used too. Four devices: a run's
    // claim is freed only when its namespace is gone, which may outlast the next run's start.
    Dra.installDeviceClass(admin);
    admin.resource(Dra.slice("rbac-a", 1, 1, "NVIDIA A100-SXM4-40GB", 4)).serverSideApply();
    String rendered = new Helm(Repo.root().resolve("helm").resolve("hetero-training-operator")).template()
        .withName("hetero").withNamespace(OPERATOR_NS).withKubeVersion("v" + ControlPlane.K8S_VERSION).skipCrds().call();
    List<HasMetadata> objects = admin.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items();
    clusterRules = objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .flatMap(r -> r.getRules().stream()).toList();
    leaseRules = objects.stream().filter(Role.class::isInstance).map(Role.class::cast).flatMap(r -> r.getRules().stream()).toList();
    assertThat(clusterRules).as("rendered ClusterRole rules").isNotEmpty();
    assertThat(leaseRules).as("rendered leader-election Role rules").isNotEmpty();
  }

  @AfterAll
  static void tearDown() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void withExactlyTheChartsRbacTheOperatorDoesItsWholeJob() {
    Outcome outcome = run(clusterRules, leaseRules, 120);
    assertThat(outcome.broken()).as("what did not happen under the chart's RBAC; operator log:%n%s", outcome.log()).isEmpty();
  }

  /**
   * A replacement operator pod (a new identity) must take over the Lease its predecessor left.
   * Fabric8's LeaderElector does that with a PATCH: with only get/create/update it never leads.
   */
  @Test
  void aReplacementOperatorTakesOverTheLeaseLeftBehindUnderTheChartsRbac() {
    Outcome first = run(clusterRules, leaseRules, 120);
    assertThat(first.broken()).as("first operator; log:%n%s", first.log()).isEmpty();
    assertThat(admin.resources(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class).inNamespace(OPERATOR_NS)
        .withName("hetero-training-operator").get()).as("the Lease the first operator held").isNotNull();
    Outcome second = runKeepingLease(clusterRules, leaseRules, 120);
    assertThat(second.broken()).as("replacement operator; log:%n%s", second.log()).isEmpty();
  }

  static Stream<Arguments> eachRule() {
    // Rules are read in @BeforeAll; parameter sources run before it, so render here too.
    List<Arguments> cases = new ArrayList<>();
    String rendered = new Helm(Repo.root().resolve("helm").resolve("hetero-training-operator")).template()
        .withName("hetero").withNamespace(OPERATOR_NS).withKubeVersion("v" + ControlPlane.K8S_VERSION).skipCrds().call();
    int cluster = 0;
    int lease = 0;
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.contains("kind: ClusterRole\n")) {
        cluster += countRules(doc);
      } else if (doc.contains("kind: Role\n")) {
        lease += countRules(doc);
      }
    }
    for (int i = 0; i < cluster; i++) {
      cases.add(Arguments.of("ClusterRole", i));
    }
    for (int i = 0; i < lease; i++) {
      cases.add(Arguments.of("Role", i));
    }
    return cases.stream();
  }

  private static int countRules(String doc) {
    return (int) doc.lines().filter(l -> l.trim().startsWith("- apiGroups:")).count();
  }

  @ParameterizedTest(name = "without {0} rule {1}")
  @MethodSource("eachRule")
  void withoutAnyOneRuleSomethingBreaks(String kind, int index) {
    List<PolicyRule> cluster = new ArrayList<>(clusterRules);
    List<PolicyRule> lease = new ArrayList<>(leaseRules);
    PolicyRule removed = kind.equals("ClusterRole") ? cluster.remove(index) : lease.remove(index);
    org.junit.jupiter.api.Assumptions.assumeTrue(kueueApi || !removed.getApiGroups().contains("kueue.x-k8s.io"),
        "the workloads rule is used only when Kueue's API is served: build Kueue with hack/kueue-binaries.sh (CI does)");
    Outcome outcome = run(cluster, lease, 30);
    assertThat(outcome.broken()).as("removing %s %s %s changed nothing: the rule would be unused", removed.getApiGroups(),
        removed.getResources(), removed.getVerbs()).isNotEmpty();
    System.out.printf("without %s %s %s: %s%n", removed.getApiGroups(), removed.getResources(), removed.getVerbs(), outcome.broken());
  }

  /** What the operator failed to do within the time, under the given rules (empty: everything). */
  private record Outcome(List<String> broken, String log) {
  }

  private static Outcome run(List<PolicyRule> cluster, List<PolicyRule> lease, int seconds) {
    // Each run starts without a Lease, so that only the rule under test decides the outcome.
    deleteLease();
    return runKeepingLease(cluster, lease, seconds);
  }

  private static void deleteLease() {
    admin.resources(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class).inNamespace(OPERATOR_NS)
        .withName("hetero-training-operator").delete();
  }

  private static Outcome runKeepingLease(List<PolicyRule> cluster, List<PolicyRule> lease, int seconds) {
    String ns = "rbac-" + (++runs);
    Jobs.namespace(admin, ns);
    grant(cluster, lease);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KUBERNETES_IMPERSONATE_USERNAME", "system:serviceaccount:" + OPERATOR_NS + ":" + OPERATOR_SA);
    env.put("KUBERNETES_IMPERSONATE_GROUP", "system:serviceaccounts");
    env.put("HETERO_LEADER_ELECTION_ENABLED", "true");
    env.put("POD_NAMESPACE", OPERATOR_NS);
    try (OperatorProcess operator = OperatorProcess.launch(cp, "operator-rbac-" + runs, env)) {
      admin.resource(Jobs.job("rbac-job", ns).pool(Jobs.pool("gpu", "gpu", 1, "rbac", "deviceClaim: {}"))
          .pool(Jobs.pool("cpu", "cpu", 1, "rbac", "")).job()).create();
      AtomicReference<List<String>> broken = new AtomicReference<>(List.of("not checked yet"));
      try {
        Awaitility.await("the operator's whole job under the given RBAC").atMost(Duration.ofSeconds(seconds))
            .pollInterval(Duration.ofSeconds(1)).until(() -> {
              broken.set(check(ns, operator));
              return broken.get().isEmpty();
            });
      } catch (ConditionTimeoutException e) {
        // What is still broken after the time is the outcome: the negative tests expect it.
      }
      return new Outcome(broken.get(), operator.tail());
    } finally {
      admin.namespaces().withName(ns).delete();
      admin.rbac().clusterRoleBindings().withName(GRANT).delete();
      admin.rbac().clusterRoles().withName(GRANT).delete();
    }
  }

  /** The operator's whole job for one job, as observed from outside. */
  private static List<String> check(String ns, OperatorProcess operator) {
    List<String> broken = new ArrayList<>();
    if (!operator.isAlive()) {
      broken.add("operator exited");
    }
    HeteroTrainingJob job = admin.resources(HeteroTrainingJob.class).inNamespace(ns).withName("rbac-job").get();
    if (job == null || job.getStatus() == null || job.getStatus().phase() == null) {
      broken.add("no status written");
    } else if (!Jobs.phase(job, "Running")) {
      broken.add("phase " + job.getStatus().phase());
    }
    List<Pod> pods = Jobs.workerPods(admin, ns, "rbac-job");
    if (pods.stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count() != 2) {
      broken.add("worker pods running: " + pods.size());
    }
    for (String kindName : List.of("service/rbac-job-workers", "configmap/rbac-job-plan", "secret/rbac-job-token",
        "serviceaccount/rbac-job-trainer", "role/rbac-job-trainer", "rolebinding/rbac-job-trainer",
        "resourceclaimtemplate/rbac-job-gpu-gpus")) {
      if (!exists(ns, kindName)) {
        broken.add("missing " + kindName);
      }
    }
    boolean event = admin.v1().events().inNamespace(ns).list().getItems().stream()
        .anyMatch(e -> "WorkersCreated".equals(e.getReason()));
    if (!event) {
      broken.add("no WorkersCreated event");
    }
    return broken;
  }

  private static boolean exists(String ns, String kindName) {
    String name = kindName.substring(kindName.indexOf('/') + 1);
    return switch (kindName.substring(0, kindName.indexOf('/'))) {
      case "service" -> admin.services().inNamespace(ns).withName(name).get() != null;
      case "configmap" -> admin.configMaps().inNamespace(ns).withName(name).get() != null;
      case "secret" -> admin.secrets().inNamespace(ns).withName(name).get() != null;
      case "serviceaccount" -> admin.serviceAccounts().inNamespace(ns).withName(name).get() != null;
      case "role" -> admin.rbac().roles().inNamespace(ns).withName(name).get() != null;
      case "rolebinding" -> admin.rbac().roleBindings().inNamespace(ns).withName(name).get() != null;
      case "resourceclaimtemplate" -> admin.resources(io.fabric8.kubernetes.api.model.resource.v1.ResourceClaimTemplate.class)
          .inNamespace(ns).withName(name).get() != null;
      default -> throw new IllegalArgumentException(kindName);
    };
  }

  private static void grant(List<PolicyRule> cluster, List<PolicyRule> lease) {
    admin.resource(new ClusterRoleBuilder().withNewMetadata().withName(GRANT).endMetadata().withRules(cluster).build()).serverSideApply();
    admin.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(GRANT).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", GRANT)
        .addNewSubject().withKind("ServiceAccount").withName(OPERATOR_SA).withNamespace(OPERATOR_NS).endSubject().build())
        .serverSideApply();
    admin.resource(new RoleBuilder().withNewMetadata().withName(GRANT).withNamespace(OPERATOR_NS).endMetadata()
        .withRules(lease).build()).forceConflicts().serverSideApply();
    admin.resource(new RoleBindingBuilder().withNewMetadata().withName(GRANT).withNamespace(OPERATOR_NS).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", GRANT)
        .addNewSubject().withKind("ServiceAccount").withName(OPERATOR_SA).withNamespace(OPERATOR_NS).endSubject().build())
        .serverSideApply();
  }
}
