package dev.hetero.training.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Degraded: a running job that trains with fewer workers than planned says which, why and since when. */
class WorkerAvailabilityTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final List<PlannedWorker> PLAN = List.of(Fixtures.worker("j-gpu-0", 0, "gpu-1", "gpu", DeviceClass.GPU),
      Fixtures.worker("j-cpu-0", 1, "cpu-1", "cpu", DeviceClass.CPU));

  static WorkerPodState running(String name, String node) {
    return WorkerPodState.of(new PodBuilder().withNewMetadata().withName(name).withUid(name).endMetadata()
        .withNewSpec().withNodeName(node).endSpec().withNewStatus().withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build(), T0);
  }

  static Node node(String name, boolean ready, Instant since) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().addNewCondition().withType("Ready")
        .withStatus(ready ? "True" : "Unknown").withLastTransitionTime(since.toString()).endCondition().endStatus().build();
  }

  @Test
  void aWorkerOnANotReadyNodeMakesTheRunningJobDegradedNamingItTheNodeAndSinceWhen() {
    var pods = Map.of("j-gpu-0", running("j-gpu-0", "gpu-1"), "j-cpu-0", running("j-cpu-0", "cpu-1"));
    var missing = WorkerAvailability.missing(PLAN, pods, List.of(node("gpu-1", true, T0), node("cpu-1", false, T0.plusSeconds(5))),
        List.of(), T0.plusSeconds(30));
    assertThat(missing).containsExactly(new WorkerAvailability.Missing("j-cpu-0", "node cpu-1 NotReady", T0.plusSeconds(5)));
    var degraded = WorkerAvailability.degraded(JobPhase.Running, 2, missing);
    assertThat(degraded.status()).isTrue();
    assertThat(degraded.reason()).isEqualTo(Reason.WorkersMissing);
    assertThat(degraded.message()).isEqualTo("1 of 2 worker(s) train; not training: j-cpu-0 (node cpu-1 NotReady, since "
        + T0.plusSeconds(5) + ")");
  }

  @Test
  void aReplacementWaitingForCapacitySaysWhatTheSchedulerSaid() {
    var pending = WorkerPodState.of(new PodBuilder().withNewMetadata().withName("j-cpu-0").withUid("p")
        .withCreationTimestamp(T0.toString()).endMetadata().withNewStatus().withPhase("Pending").addNewCondition()
        .withType("PodScheduled").withStatus("False").withReason("Unschedulable").withMessage("0/2 nodes are available: 2 Insufficient cpu.")
        .withLastTransitionTime(T0.plusSeconds(1).toString()).endCondition().endStatus().build(), T0);
    var missing = WorkerAvailability.missing(PLAN, Map.of("j-gpu-0", running("j-gpu-0", "gpu-1"), "j-cpu-0", pending),
        List.of(node("gpu-1", true, T0)), List.of(), T0.plusSeconds(9));
    assertThat(missing).singleElement().satisfies(m -> {
      assertThat(m.why()).isEqualTo("waiting for capacity: 0/2 nodes are available: 2 Insufficient cpu.");
      assertThat(m.since()).isEqualTo(T0.plusSeconds(1));
    });
  }

  @Test
  void everyWorkerTrainingOrTheJobNotRunningIsNotDegraded() {
    var pods = Map.of("j-gpu-0", running("j-gpu-0", "gpu-1"), "j-cpu-0", running("j-cpu-0", "cpu-1"));
    var none = WorkerAvailability.missing(PLAN, pods, List.of(node("gpu-1", true, T0), node("cpu-1", true, T0)), List.of(), T0);
    assertThat(none).isEmpty();
    assertThat(WorkerAvailability.degraded(JobPhase.Running, 2, none).reason()).isEqualTo(Reason.AllWorkersTraining);
    var gone = WorkerAvailability.missing(PLAN, Map.of(), List.of(), List.of(), T0);
    assertThat(gone).hasSize(2);
    var planned = WorkerAvailability.degraded(JobPhase.Planned, 2, gone);
    assertThat(planned.status()).isFalse();
    assertThat(planned.reason()).isEqualTo(Reason.NotRunning);
  }
}
