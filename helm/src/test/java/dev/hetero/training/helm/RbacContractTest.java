package dev.hetero.training.helm;

import static dev.hetero.training.helm.Chart.sets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.helm.OperatorContract.Permission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rendered RBAC is exactly the table of docs/operator-contract.md: no wildcard, nothing extra, nothing missing. */
class RbacContractTest {
  private static final Predicate<Permission> LEASES = p -> p.resource().equals("leases");
  /** Cluster-scoped resources: granted cluster-wide in every mode. */
  private static final Predicate<Permission> NODES = p -> p.resource().equals("nodes") || p.resource().equals("resourceslices");

  @Test
  void contractTableIsReadable() {
    Set<Permission> contract = OperatorContract.permissions();
    assertThat(contract)
        .contains(new Permission("training.hetero.dev", "heterotrainingjobs", "watch"),
            new Permission("", "nodes", "list"),
            new Permission("coordination.k8s.io", "leases", "update"))
        .hasSizeGreaterThan(30);
  }

  @Test
  void allNamespacesModeGrantsTheContractInOneClusterRoleAndLeasesInARole() {
    List<HasMetadata> resources = Chart.render(Map.of());

    ClusterRole clusterRole = Chart.single(resources, ClusterRole.class);
    assertThat(OperatorContract.permissionsOf(clusterRole.getRules()))
        .as("ClusterRole %s", clusterRole.getMetadata().getName())
        .containsExactlyElementsOf(contractWhere(LEASES.negate()));

    Role leases = Chart.single(resources, Role.class);
    assertThat(leases.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(OperatorContract.permissionsOf(leases.getRules())).containsExactlyElementsOf(contractWhere(LEASES));

    assertBoundToServiceAccount(resources);
    assertNoWildcards(resources);
  }

  @Test
  void namespacedModeGrantsNamespacedRulesPerWatchedNamespaceAndNodesClusterWide() {
    List<HasMetadata> resources = Chart.render(sets("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));

    ClusterRole nodes = Chart.single(resources, ClusterRole.class);
    assertThat(OperatorContract.permissionsOf(nodes.getRules())).containsExactlyElementsOf(contractWhere(NODES));

    List<Role> roles = Chart.ofType(resources, Role.class);
    assertThat(roles).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b", Chart.NAMESPACE);
    for (Role role : roles) {
      Set<Permission> expected = role.getMetadata().getNamespace().equals(Chart.NAMESPACE)
          ? contractWhere(LEASES)
          : contractWhere(LEASES.negate().and(NODES.negate()));
      assertThat(OperatorContract.permissionsOf(role.getRules()))
          .as("Role %s/%s", role.getMetadata().getNamespace(), role.getMetadata().getName())
          .containsExactlyElementsOf(expected);
    }
    assertThat(Chart.ofType(resources, RoleBinding.class)).extracting(b -> b.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b", Chart.NAMESPACE);

    assertBoundToServiceAccount(resources);
    assertNoWildcards(resources);
  }

  @Test
  void noLeaseRoleWithoutLeaderElection() {
    List<HasMetadata> resources = Chart.render(sets("leaderElection.enabled", false));

    assertThat(Chart.ofType(resources, Role.class)).isEmpty();
    assertThat(Chart.ofType(resources, RoleBinding.class)).isEmpty();
  }

  @Test
  void rbacCanBeLeftToTheCluster() {
    List<HasMetadata> resources = Chart.render(sets("rbac.create", false));

    assertThat(resources).noneMatch(r -> r.getApiVersion().startsWith("rbac.authorization.k8s.io/"));
  }

  @Test
  void chartReadmeListsExactlyTheContractRules() throws IOException {
    String readme = Files.readString(Chart.chartDir().resolve("README.md"));

    assertThat(OperatorContract.permissionsOfTable(OperatorContract.section(readme, "## RBAC")))
        .containsExactlyElementsOf(OperatorContract.permissions());
  }

  private static Set<Permission> contractWhere(Predicate<Permission> filter) {
    Set<Permission> selected = new TreeSet<>();
    OperatorContract.permissions().stream().filter(filter).forEach(selected::add);
    return selected;
  }

  /** Every binding names a role rendered here and the operator's ServiceAccount in the release namespace. */
  private static void assertBoundToServiceAccount(List<HasMetadata> resources) {
    Set<String> clusterRoles = new TreeSet<>();
    Chart.ofType(resources, ClusterRole.class).forEach(r -> clusterRoles.add(r.getMetadata().getName()));
    Set<String> roles = new TreeSet<>();
    Chart.ofType(resources, Role.class).forEach(r -> roles.add(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName()));

    List<ClusterRoleBinding> clusterBindings = Chart.ofType(resources, ClusterRoleBinding.class);
    assertThat(clusterBindings).hasSameSizeAs(clusterRoles);
    for (ClusterRoleBinding binding : clusterBindings) {
      assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
      assertThat(clusterRoles).contains(binding.getRoleRef().getName());
      assertOperatorSubject(binding.getSubjects());
    }
    List<RoleBinding> bindings = Chart.ofType(resources, RoleBinding.class);
    assertThat(bindings).hasSameSizeAs(roles);
    for (RoleBinding binding : bindings) {
      assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
      assertThat(roles).contains(binding.getMetadata().getNamespace() + "/" + binding.getRoleRef().getName());
      assertOperatorSubject(binding.getSubjects());
    }
  }

  private static void assertOperatorSubject(List<Subject> subjects) {
    assertThat(subjects).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(Chart.RELEASE);
      assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
    });
  }

  private static void assertNoWildcards(List<HasMetadata> resources) {
    List<PolicyRule> rules = Stream.concat(
        Chart.ofType(resources, ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
        Chart.ofType(resources, Role.class).stream().flatMap(r -> r.getRules().stream())).toList();
    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getVerbs()).isNotEmpty().noneMatch(v -> v.contains("*"));
      assertThat(rule.getResources()).isNotEmpty().noneMatch(v -> v.contains("*"));
      assertThat(rule.getApiGroups()).isNotEmpty().noneMatch(v -> v.contains("*"));
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      assertThat(rule.getResourceNames()).isNullOrEmpty();
    });
  }
}
