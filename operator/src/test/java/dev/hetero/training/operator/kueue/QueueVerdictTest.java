package dev.hetero.training.operator.kueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.operator.model.Reason;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueueVerdictTest {
  static final Pod GATED = new PodBuilder().withNewMetadata().withName("j-cpu-0").endMetadata().withNewSpec()
      .addNewSchedulingGate().withName("kueue.x-k8s.io/admission").endSchedulingGate().endSpec().build();
  static final Pod UNGATED = new PodBuilder().withNewMetadata().withName("j-cpu-0").endMetadata().withNewSpec().endSpec().build();

  /** A Workload as the API server returns it, with these status conditions (YAML flow). */
  static WorkloadView workload(String conditions, String clusterQueue) {
    String yaml = "apiVersion: kueue.x-k8s.io/v1beta2\nkind: Workload\nmetadata: {name: j, namespace: ns}\n"
        + "spec: {queueName: q}\nstatus:\n  conditions: " + conditions + "\n"
        + (clusterQueue == null ? "" : "  admission: {clusterQueue: " + clusterQueue + "}\n");
    return WorkloadView.of(Serialization.unmarshal(yaml, GenericKubernetesResource.class));
  }

  static QueueVerdict verdict(Optional<WorkloadView> wl, List<Pod> pods) {
    return QueueVerdict.of("q", "j", wl, pods);
  }

  @Test
  void withoutAWorkloadGatedOrMissingPodsWaitAndUngatedOnesAreNotManaged() {
    assertThat(verdict(Optional.empty(), List.of())).satisfies(v -> {
      assertThat(v.waiting()).isTrue();
      assertThat(v.reason()).isEqualTo(Reason.WaitingForWorkload);
    });
    assertThat(verdict(Optional.empty(), List.of(GATED)).waiting()).isTrue();
    assertThat(verdict(Optional.empty(), List.of(UNGATED))).satisfies(v -> {
      assertThat(v.waiting()).isFalse();
      assertThat(v.reason()).isEqualTo(Reason.NotManagedByKueue);
      assertThat(v.message()).contains("managedJobsNamespaceSelector");
    });
  }

  @Test
  void pendingWorkloadCarriesTheClusterQueuesReason() {
    var wl = workload("[{type: QuotaReserved, status: \"False\", reason: Pending, lastTransitionTime: \"2026-01-01T00:00:00Z\","
        + " message: \"couldn't assign flavors to pod set 6f1c: insufficient unused quota for cpu in flavor cpu-pool, 1 more needed\"}]",
        null);
    QueueVerdict v = verdict(Optional.of(wl), List.of(GATED));
    assertThat(v.waiting()).isTrue();
    assertThat(v.reason()).isEqualTo(Reason.WaitingForQuota);
    assertThat(v.message()).contains("Workload j (LocalQueue q)", "insufficient unused quota for cpu in flavor cpu-pool");
    var inadmissible = workload("[{type: QuotaReserved, status: \"False\", reason: Inadmissible,"
        + " lastTransitionTime: \"2026-01-01T00:00:00Z\", message: \"LocalQueue q doesn't exist\"}]", null);
    assertThat(verdict(Optional.of(inadmissible), List.of(GATED)).reason()).isEqualTo(Reason.Inadmissible);
  }

  @Test
  void admittedWorkloadNamesItsClusterQueue() {
    var wl = workload("[{type: QuotaReserved, status: \"True\", reason: QuotaReserved, lastTransitionTime: \"2026-01-01T00:00:00Z\","
        + " message: ok}, {type: Admitted, status: \"True\", reason: Admitted, lastTransitionTime: \"2026-01-01T00:00:00Z\","
        + " message: ok}]", "team-cq");
    QueueVerdict v = verdict(Optional.of(wl), List.of(UNGATED));
    assertThat(v.waiting()).isFalse();
    assertThat(v.reason()).isEqualTo(Reason.Admitted);
    assertThat(v.message()).contains("ClusterQueue team-cq");
    var checks = workload("[{type: QuotaReserved, status: \"True\", reason: QuotaReserved, lastTransitionTime: \"2026-01-01T00:00:00Z\","
        + " message: ok}]", "team-cq");
    assertThat(verdict(Optional.of(checks), List.of(GATED)).reason()).isEqualTo(Reason.QuotaReserved);
  }

  @Test
  void evictionIsAPreemptionOnlyWhenKueueSaysSoAndCarriesItsTime() {
    var preempted = workload("[{type: Admitted, status: \"True\", reason: Admitted, lastTransitionTime: \"2026-01-01T00:00:00Z\","
        + " message: ok}, {type: Evicted, status: \"True\", reason: Preempted, lastTransitionTime: \"2026-01-01T00:05:00Z\","
        + " message: \"Preempted to accommodate a workload (UID: u) due to prioritization in the ClusterQueue\"}]", "cq");
    QueueVerdict v = verdict(Optional.of(preempted), List.of(UNGATED));
    assertThat(v.waiting()).isTrue();
    assertThat(v.reason()).isEqualTo(Reason.Preempted);
    assertThat(v.eviction()).get().satisfies(e -> {
      assertThat(e.restartReason()).isEqualTo("Preempted");
      assertThat(e.at()).isEqualTo(Instant.parse("2026-01-01T00:05:00Z"));
      assertThat(e.message()).contains("prioritization");
    });
    var stopped = workload("[{type: Evicted, status: \"True\", reason: ClusterQueueStopped,"
        + " lastTransitionTime: \"2026-01-01T00:05:00Z\", message: stopped}]", "cq");
    assertThat(verdict(Optional.of(stopped), List.of()).eviction()).get()
        .satisfies(e -> assertThat(e.restartReason()).isEqualTo("EvictedByKueue"));
    var readmitted = workload("[{type: Admitted, status: \"True\", reason: Admitted, lastTransitionTime: \"2026-01-01T00:09:00Z\","
        + " message: ok}, {type: Evicted, status: \"False\", reason: QuotaReserved, lastTransitionTime: \"2026-01-01T00:09:00Z\","
        + " message: ok}]", "cq");
    assertThat(verdict(Optional.of(readmitted), List.of(UNGATED))).satisfies(r -> {
      assertThat(r.waiting()).isFalse();
      assertThat(r.eviction()).isEmpty();
    });
  }

  @Test
  void aWorkloadBeingDeletedHoldsThePods() {
    String yaml = "apiVersion: kueue.x-k8s.io/v1beta2\nkind: Workload\nmetadata: {name: j, namespace: ns,"
        + " deletionTimestamp: \"2026-01-01T00:00:00Z\"}\nspec: {queueName: q}\n";
    QueueVerdict v = verdict(Optional.of(WorkloadView.of(Serialization.unmarshal(yaml, GenericKubernetesResource.class))),
        List.of());
    assertThat(v.waiting()).isTrue();
    assertThat(v.workloadTerminating()).isTrue();
  }
}
