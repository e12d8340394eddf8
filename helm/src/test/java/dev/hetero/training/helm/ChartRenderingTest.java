package dev.hetero.training.helm;

import static dev.hetero.training.helm.Chart.sets;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ChartRenderingTest {

  @Test
  void defaultValuesRenderOnlyWhatEveryClusterCanInstall() {
    List<HasMetadata> resources = Chart.render(Map.of());

    assertThat(resources).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment");
    assertThat(resources).filteredOn(r -> !r.getKind().startsWith("Cluster"))
        .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).as(r.getKind()).isEqualTo(Chart.NAMESPACE));
    assertThat(resources).allSatisfy(r -> assertThat(r.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "hetero-training-operator")
        .containsEntry("app.kubernetes.io/instance", Chart.RELEASE));
  }

  @Test
  void deploymentRunsTheOperatorImageWithTheRestrictedSecurityContext() throws IOException {
    Deployment deployment = Chart.single(Chart.render(Map.of()), Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = operatorContainer(deployment);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(operator.getImage()).isEqualTo("docker.io/hetero-training/operator:" + appVersion());
    assertThat(operator.getCommand()).containsExactly("java", "-jar", "/deployments/quarkus-run.jar");
    assertThat(operator.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getContainerPort()).isEqualTo(8080);
      assertThat(p.getName()).isEqualTo("http");
    });
    assertThat(pod.getServiceAccountName()).isEqualTo(Chart.RELEASE);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    SecurityContext container = operator.getSecurityContext();
    assertThat(container.getRunAsNonRoot()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getPrivileged()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    // A read-only root filesystem needs a writable /tmp for the JVM.
    assertThat(operator.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo(operator.getVolumeMounts().get(0).getName());
      assertThat(v.getEmptyDir()).isNotNull();
    });
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void probesUseTheHealthEndpoints() {
    Container operator = operatorContainer(Chart.single(Chart.render(Map.of()), Deployment.class));

    assertHttpProbe(operator.getLivenessProbe(), "/q/health/live");
    assertHttpProbe(operator.getReadinessProbe(), "/q/health/ready");
  }

  @Test
  void environmentCarriesTheContractSettingsWithTheirDefaults() {
    Map<String, EnvVar> env = env(Chart.single(Chart.render(Map.of()), Deployment.class));

    assertThat(env.get("HETERO_WATCH_NAMESPACES").getValue()).isEmpty();
    assertThat(env.get("HETERO_TRAINER_IMAGE").getValue()).isEqualTo("docker.io/hetero-training/trainer:0.1.0");
    assertThat(env.get("HETERO_TRAINER_GPU_IMAGE").getValue()).as("no GPU image given: GPU pools get the trainer image")
        .isEqualTo("docker.io/hetero-training/trainer:0.1.0");
    assertThat(env.get("HETERO_RETRY_INTERVAL").getValue()).isEqualTo("10s");
    assertThat(env).doesNotContainKeys("HETERO_BACKOFF_BASE", "HETERO_BACKOFF_MAX");
    assertThat(env.get("HETERO_NODE_LOST_GRACE").getValue()).isEqualTo("2m");
    assertThat(env.get("HETERO_LEADER_ELECTION_ENABLED").getValue()).isEqualTo("true");
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    // Without overrides the operator's built-in GPU table applies.
    assertThat(env).doesNotContainKey("HETERO_GPU_CAPACITY");
  }

  @Test
  void everyContractVariableIsSetAndNoOtherHeteroVariable() {
    Deployment deployment = Chart.single(Chart.render(sets(
        "gpuCapacity.A100", 96, "gpuCapacity.V100", "32.5", "watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b",
        "trainer.image", "registry.example.com/trainer:1.2.3", "trainer.gpuImage", "registry.example.com/trainer:1.2.3-cu124",
        "retryInterval", "PT15S",
        "nodeLostGrace", "90s")), Deployment.class);
    Map<String, EnvVar> env = env(deployment);

    assertThat(OperatorContract.environmentVariables()).hasSizeGreaterThanOrEqualTo(7);
    assertThat(env.keySet().stream().filter(n -> n.startsWith("HETERO_") || n.equals("POD_NAMESPACE")))
        .containsExactlyInAnyOrderElementsOf(OperatorContract.environmentVariables());
    assertThat(env.get("HETERO_GPU_CAPACITY").getValue()).isEqualTo("A100=96,V100=32.5");
    assertThat(env.get("HETERO_WATCH_NAMESPACES").getValue()).isEqualTo("team-a,team-b");
    assertThat(env.get("HETERO_TRAINER_IMAGE").getValue()).isEqualTo("registry.example.com/trainer:1.2.3");
    assertThat(env.get("HETERO_TRAINER_GPU_IMAGE").getValue()).isEqualTo("registry.example.com/trainer:1.2.3-cu124");
    assertThat(env.get("HETERO_RETRY_INTERVAL").getValue()).isEqualTo("PT15S");
    assertThat(env.get("HETERO_NODE_LOST_GRACE").getValue()).isEqualTo("90s");
  }

  @Test
  void metricsServiceSelectsTheOperatorPodsOnTheHttpPort() {
    List<HasMetadata> resources = Chart.render(Map.of());
    Service service = Chart.single(resources, Service.class);
    Deployment deployment = Chart.single(resources, Deployment.class);

    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getPort()).isEqualTo(8080);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
    });
  }

  @Test
  void serviceMonitorScrapesTheMetricsEndpointWhenEnabled() {
    List<HasMetadata> resources = Chart.render(sets(
        "metrics.serviceMonitor.enabled", true, "metrics.serviceMonitor.labels.release", "prometheus"));
    Service service = Chart.single(resources, Service.class);

    GenericKubernetesResource monitor = Chart.single(resources, GenericKubernetesResource.class);
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
    assertThat(monitor.<List<String>>get("spec", "namespaceSelector", "matchNames")).containsExactly(Chart.NAMESPACE);
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(e).containsEntry("port", service.getSpec().getPorts().get(0).getName());
      assertThat(e).containsEntry("path", "/q/metrics");
      assertThat(e).containsEntry("interval", "30s");
    });
  }

  @Test
  void twoReplicasWithLeaderElectionAndADisruptionBudget() {
    List<HasMetadata> resources = Chart.render(sets("replicaCount", 2, "podDisruptionBudget.enabled", true));
    Deployment deployment = Chart.single(resources, Deployment.class);
    PodDisruptionBudget pdb = Chart.single(resources, PodDisruptionBudget.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(env(deployment).get("HETERO_LEADER_ELECTION_ENABLED").getValue()).isEqualTo("true");
    assertThat(deployment.getSpec().getStrategy()).isNull(); // rolling update: the Lease keeps one leader
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
  }

  @Test
  void withoutLeaderElectionRolloutsNeverOverlap() {
    Deployment deployment = Chart.single(Chart.render(sets("leaderElection.enabled", false)), Deployment.class);

    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(env(deployment).get("HETERO_LEADER_ELECTION_ENABLED").getValue()).isEqualTo("false");
  }

  @Test
  void imageAndPodPlacementAreConfigurable() {
    Deployment deployment = Chart.single(Chart.render(sets(
        "image.repository", "registry.example.com/ml/operator", "image.tag", "0.2.0",
        "image.pullPolicy", "Always", "imagePullSecrets[0].name", "regcred",
        "nodeSelector.kubernetes\\.io/os", "linux", "priorityClassName", "system-cluster-critical",
        "extraEnv[0].name", "QUARKUS_LOG_LEVEL", "extraEnv[0].value", "DEBUG")), Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(operatorContainer(deployment).getImage()).isEqualTo("registry.example.com/ml/operator:0.2.0");
    assertThat(operatorContainer(deployment).getImagePullPolicy()).isEqualTo("Always");
    assertThat(pod.getImagePullSecrets()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("regcred"));
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(env(deployment).get("QUARKUS_LOG_LEVEL").getValue()).isEqualTo("DEBUG");
  }

  @Test
  void anExistingServiceAccountIsUsedAndBound() {
    List<HasMetadata> resources = Chart.render(sets("serviceAccount.create", false, "serviceAccount.name", "ops-operator"));

    assertThat(Chart.ofType(resources, ServiceAccount.class)).isEmpty();
    assertThat(Chart.single(resources, Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("ops-operator");
    assertThat(Stream.concat(
        Chart.ofType(resources, ClusterRoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()),
        Chart.ofType(resources, RoleBinding.class).stream().flatMap(b -> b.getSubjects().stream())))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.getName()).isEqualTo("ops-operator"));
  }

  @Test
  void releaseNameWithoutTheChartNameIsPrefixed() {
    List<HasMetadata> resources = Chart.parse(Chart.template("ml", "ops", Map.of()));

    assertThat(Chart.single(resources, Deployment.class).getMetadata().getName()).isEqualTo("ml-hetero-training-operator");
    assertThat(Chart.single(resources, Deployment.class).getMetadata().getNamespace()).isEqualTo("ops");
    assertThat(Chart.single(resources, ClusterRoleBinding.class).getSubjects().get(0).getNamespace()).isEqualTo("ops");
  }

  static Container operatorContainer(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(Container::getName).containsExactly("operator");
    return containers.get(0);
  }

  static Map<String, EnvVar> env(Deployment deployment) {
    return operatorContainer(deployment).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  private static void assertHttpProbe(Probe probe, String path) {
    assertThat(probe).as("probe on %s", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(probe.getPeriodSeconds()).isPositive();
    assertThat(probe.getTimeoutSeconds()).isPositive();
    assertThat(probe.getFailureThreshold()).isPositive();
  }

  static String appVersion() throws IOException {
    Matcher m = Pattern.compile("(?m)^appVersion: \"?([^\"\\s]+)\"?").matcher(Files.readString(Chart.chartDir().resolve("Chart.yaml")));
    assertThat(m.find()).as("appVersion in Chart.yaml").isTrue();
    return m.group(1);
  }
}
