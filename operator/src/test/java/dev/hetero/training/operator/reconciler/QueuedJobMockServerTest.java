package dev.hetero.training.operator.reconciler;

import static dev.hetero.training.operator.reconciler.MockServerSupport.await;
import static dev.hetero.training.operator.reconciler.MockServerSupport.job;
import static dev.hetero.training.operator.reconciler.MockServerSupport.phase;
import static dev.hetero.training.operator.reconciler.MockServerSupport.setPodPhase;
import static dev.hetero.training.operator.reconciler.MockServerSupport.workerPods;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobCondition;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.operator.Fixtures;
import dev.hetero.training.operator.model.PodResources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job labelled kueue.x-k8s.io/queue-name on the mock API server, where no Kueue runs (its API is
 * not served and no webhook gates the pods): the pods are created unpinned as one Kueue pod group,
 * and the plan is sized only from the nodes the pods were bound to (the test plays the scheduler).
 * Kueue's own admission is exercised in the e2e module.
 */
@EnableKubernetesMockClient(crud = true)
class QueuedJobMockServerTest {
  static final String NS = "ml";
  static final Duration WAIT = Duration.ofSeconds(15);

  KubernetesClient client;
  MockOperator operator;

  @BeforeEach
  void setUp() throws Exception {
    operator = MockServerSupport.startOnMixedNodes(client);
  }

  @AfterEach
  void tearDown() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void podsAreOneUnpinnedGroupAndThePlanIsSizedFromTheNodesTheyWereBoundTo() {
    client.resource(Fixtures.mixed("queued", NS).label("kueue.x-k8s.io/queue-name", "team-queue").job()).create();
    await("3 pods of queued", WAIT, () -> workerPods(client, NS, "queued").size() == 3);
    for (Pod pod : workerPods(client, NS, "queued")) {
      assertThat(pod.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "team-queue")
          .containsEntry("kueue.x-k8s.io/pod-group-name", "queued");
      assertThat(pod.getMetadata().getAnnotations()).containsEntry("kueue.x-k8s.io/pod-group-total-count", "3");
      assertThat(PodResources.pinnedNode(pod)).as("no node before binding").isEmpty();
    }
    // Nothing bound yet: the plan file is withheld, the status has the roster only.
    // No Kueue in this cluster: no Workload, and the pods are not gated, so the job is not held (and says why).
    await("Queued False", WAIT, () -> queued(job(client, NS, "queued")) != null
        && queued(job(client, NS, "queued")).status().equals("False"));
    ConfigMap unbound = client.configMaps().inNamespace(NS).withName("queued-plan").get();
    assertThat(unbound.getData() == null ? Map.of() : unbound.getData()).doesNotContainKey("plan.json");
    HeteroTrainingJob waiting = job(client, NS, "queued");
    assertThat(waiting.getStatus().plan()).extracting(PlannedWorker::node).containsOnlyNulls();
    assertThat(waiting.getStatus().phase()).isEqualTo(JobPhase.Planned);
    assertThat(queued(waiting).reason()).isEqualTo("NotManagedByKueue");

    // The scheduler binds the pods: the GPU worker to the A100 node, the CPU workers to one CPU node.
    Map<String, String> nodes = Map.of("queued-gpu-0", "gpu-node-1", "queued-cpu-0", "cpu-node-2", "queued-cpu-1", "cpu-node-2");
    for (Pod pod : workerPods(client, NS, "queued")) {
      bind(pod, nodes.get(pod.getMetadata().getName()));
      setPodPhase(client, pod, "Running", null, 0);
    }
    await("phase Running", WAIT, () -> phase(client, NS, "queued") == JobPhase.Running);
    HeteroTrainingJob running = job(client, NS, "queued");
    Map<String, String> planned = running.getStatus().plan().stream()
        .collect(Collectors.toMap(PlannedWorker::worker, PlannedWorker::node));
    assertThat(planned).isEqualTo(nodes);
    PlanDocument mounted = PlanCodec.fromJson(client.configMaps().inNamespace(NS).withName("queued-plan").get().getData()
        .get("plan.json"));
    assertThat(mounted.workers()).isEqualTo(running.getStatus().plan());
    PlannedWorker gpu = mounted.worker("queued-gpu-0").orElseThrow();
    assertThat(gpu.capacity()).as("sized from the A100 it landed on").isGreaterThan(10.0);
    assertThat(running.getStatus().startTime()).isNotNull();
    // Binding changed nothing the pods are made of: the same three pods still run.
    assertThat(workerPods(client, NS, "queued")).hasSize(3)
        .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(nodes.get(p.getMetadata().getName())));
  }

  private void bind(Pod pod, String node) {
    Pod fresh = client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
    fresh.getSpec().setNodeName(node);
    client.pods().inNamespace(NS).resource(fresh).update();
  }

  private static JobCondition queued(HeteroTrainingJob job) {
    if (job == null || job.getStatus() == null || job.getStatus().conditions() == null) {
      return null;
    }
    return job.getStatus().conditions().stream().filter(c -> c.type().equals("Queued")).findFirst().orElse(null);
  }
}
