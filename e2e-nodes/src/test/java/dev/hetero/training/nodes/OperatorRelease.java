package dev.hetero.training.nodes;

import com.marcnuri.helm.Helm;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The operator as users install it: the Helm chart of this repository, with its default images (the
 * ones the images build imported into every node), in {@code hetero-training-system}. Installed once
 * per test run; the jobs of the scenarios run in {@link #JOBS} with the Fashion-MNIST volume claimed.
 */
public final class OperatorRelease {
  public static final String NAMESPACE = "hetero-training-system";
  public static final String RELEASE = "hetero-training-operator";
  public static final String JOBS = "e2e-nodes";
  /** Where the operator runs: the node-loss scenarios stop cpu-1, never this one. */
  public static final String OPERATOR_NODE = "gpu-1";
  /** The claim every scenario's job reads the data set from: Debian's files on a PersistentVolume. */
  public static final String DATA_CLAIM = "fashion-mnist";

  private static boolean installed;

  private OperatorRelease() {
  }

  public static synchronized LocalCluster installed() {
    LocalCluster cluster = LocalCluster.get();
    if (installed) {
      return cluster;
    }
    KubernetesClient client = cluster.client();
    // Helm never upgrades a chart's crds/ on upgrade, and this cluster's etcd survives `down`: apply the chart's CRD first,
    // as docs/install.md tells users (a stale schema would prune new spec fields such as deviceFallback).
    try (var in = java.nio.file.Files.newInputStream(LocalCluster.repo().resolve("helm").resolve(RELEASE).resolve("crds")
        .resolve("heterotrainingjobs.training.hetero.dev-v1.yml"))) {
      var crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.resource(crd).forceConflicts().serverSideApply();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // Always upgrade --install: a cluster kept from an earlier run (its etcd survives `down`) may hold an older release.
    new Helm(LocalCluster.repo().resolve("helm").resolve(RELEASE)).upgrade().install()
        .withName(RELEASE).withNamespace(NAMESPACE).createNamespace()
        .withKubeConfig(cluster.kubeconfig())
        // Fast reactions for the scenarios; everything else is the chart's defaults.
        .set("retryInterval", "1s").set("nodeLostGrace", "30s")
        // No CUDA image is built here: GPU pools run the CPU image (and fall back, or fail with NoCudaDevice).
        .set("trainer.gpuImage", "docker.io/hetero-training/trainer:0.1.0")
        // The node-loss scenarios stop cpu-1's machine: the operator must not be on it.
        .set("nodeSelector.kubernetes\\.io/hostname", OPERATOR_NODE)
        .call();
    Awaitility.await("the operator Deployment available").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> available(client.apps().deployments().inNamespace(NAMESPACE).withName(RELEASE).get()));
    client.resource(new NamespaceBuilder().withNewMetadata().withName(JOBS).endMetadata().build()).serverSideApply();
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName(DATA_CLAIM).withNamespace(JOBS).endMetadata()
        .withNewSpec().withAccessModes("ReadOnlyMany").withStorageClassName("datasets")
        .withNewSelector().withMatchLabels(Map.of("hetero.dev/dataset", "fashion-mnist")).endSelector()
        .withNewResources().withRequests(Map.of("storage", new Quantity("100Mi"))).endResources().endSpec().build())
        .serverSideApply();
    removeJobsOfAnEarlierRun(cluster);
    installed = true;
    return cluster;
  }

  /**
   * A cluster kept from an earlier run (its etcd survives `down` without --purge) may still hold that run's jobs, stopped
   * half-way: they would take this run's names and nodes. The operator, now running, finalizes their deletion.
   */
  private static void removeJobsOfAnEarlierRun(LocalCluster cluster) {
    var jobs = cluster.client().resources(HeteroTrainingJob.class).inNamespace(JOBS);
    var left = jobs.list().getItems().stream().map(j -> j.getMetadata().getName()).toList();
    if (left.isEmpty()) {
      return;
    }
    System.out.println("real nodes: removing jobs left by an earlier run: " + left);
    jobs.delete();
    TrainingJobs.await("the earlier run's jobs finalized", Duration.ofMinutes(2)).until(() -> jobs.list().getItems().isEmpty());
    left.forEach(name -> JobChildren.awaitAllGone(cluster, name));
  }

  /** The nodes the operator's running pods are on. */
  public static java.util.List<String> operatorNodes(KubernetesClient client) {
    return client.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/name", RELEASE).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
            && "Running".equals(p.getStatus().getPhase()))
        .map(p -> p.getSpec().getNodeName()).toList();
  }

  /** Rolled out: the current template's pods are all ready (an upgrade's old pod does not count) and it is Available. */
  static boolean available(Deployment d) {
    if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
      return false;
    }
    var st = d.getStatus();
    int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    boolean rolledOut = st.getObservedGeneration() != null && st.getObservedGeneration() >= d.getMetadata().getGeneration()
        && st.getUpdatedReplicas() != null && st.getUpdatedReplicas() == wanted
        && (st.getReplicas() == null || st.getReplicas() == wanted);
    return rolledOut && st.getConditions().stream().anyMatch(c -> "Available".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
