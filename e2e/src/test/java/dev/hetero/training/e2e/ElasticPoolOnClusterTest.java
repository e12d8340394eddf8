package dev.hetero.training.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Elastic pools on the real API server and scheduler with kwok nodes: an auto pool grows when
 * nodes with room appear and shrinks when one is lost, and the worker that ran from the start is
 * never recreated (its pod keeps its uid).
 */
class ElasticPoolOnClusterTest extends OperatorOnClusterSupport {
  private static final String NS = "e2e-elastic";
  private static final String SUITE = "elastic";
  private static final String JOB = "elastic";

  @BeforeAll
  static void startIt() {
    startOperator("elastic-pool", Map.of());
  }

  @Test
  void anAutoPoolGrowsIntoNewNodesAndShrinksOnALossWithoutRecreatingTheFirstWorker() {
    Jobs.namespace(client, NS);
    // Two cores per node, two per worker: one worker per node.
    Cluster.createNode(client, "elastic-a", 2, "8Gi", 0, Jobs.suite(SUITE));
    client.resource(Jobs.job(JOB, NS).spec("runPolicy", Jobs.runPolicy("elastic: true"))
        .pool("{name: cpu, deviceClass: cpu, minReplicas: 1, maxReplicas: 3, cpusPerWorker: 2, nodeSelector: {e2e.hetero.dev/suite: "
            + SUITE + "}}").job()).create();
    Pod first = Jobs.awaitRunningPods(client, NS, JOB, 1, 120).get(0);
    assertThat(first.getMetadata().getName()).isEqualTo("elastic-cpu-0");
    Jobs.await(client, NS, JOB, j -> Jobs.phase(j, "Running"), 60);
    long versionBefore = mountedPlan().planVersion();

    Cluster.createNode(client, "elastic-b", 2, "8Gi", 0, Jobs.suite(SUITE));
    Cluster.createNode(client, "elastic-c", 2, "8Gi", 0, Jobs.suite(SUITE));

    // Each node may arrive in its own growth (1 -> 2 -> 3) or both in one; either way the pool ends at maxReplicas.
    HeteroTrainingJob grown = Jobs.await(client, NS, JOB, j -> j.getStatus() != null && j.getStatus().plan() != null
        && j.getStatus().plan().size() == 3, 120);
    List<Pod> three = Jobs.awaitRunningPods(client, NS, JOB, 3, 120);
    assertThat(grown.getStatus().plan()).extracting(PlannedWorker::worker)
        .containsExactly("elastic-cpu-0", "elastic-cpu-1", "elastic-cpu-2");
    assertThat(grown.getStatus().plan()).extracting(PlannedWorker::node).doesNotHaveDuplicates()
        .containsExactlyInAnyOrder("elastic-a", "elastic-b", "elastic-c");
    assertThat(grown.getStatus().plan().get(0)).satisfies(w -> {
      assertThat(w.worker()).isEqualTo("elastic-cpu-0");
      assertThat(w.node()).isEqualTo("elastic-a");
    });
    assertThat(uidOf(three, "elastic-cpu-0")).as("the first worker is not recreated").isEqualTo(first.getMetadata().getUid());
    PlanDocument mounted = Jobs.until("the plan ConfigMap lists 3 workers", 60, this::mountedPlan,
        p -> p.workers().size() == 3, p -> p.workers().size() + " workers, version " + p.planVersion());
    assertThat(mounted.planVersion()).isGreaterThan(versionBefore);
    assertThat(mounted.workers()).extracting(PlannedWorker::worker).containsExactly("elastic-cpu-0", "elastic-cpu-1", "elastic-cpu-2");
    assertThat(events("WorkersAdded")).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getMessage()).matches("pool cpu grew from [12] to [23] workers: elastic-[bc].* ha(s|ve) room"));
    assertThat(events("WorkersAdded")).anySatisfy(e -> assertThat(e.getMessage()).contains("to 3 workers"));

    // Lose the node of a worker that joined: the pool shrinks to the two that stand, neither recreated.
    String lost = grown.getStatus().plan().get(2).node();
    String survivor = grown.getStatus().plan().get(1).worker();
    String survivorUid = uidOf(three, survivor);
    client.nodes().withName(lost).delete();

    HeteroTrainingJob shrunk = Jobs.await(client, NS, JOB, j -> j.getStatus().plan() != null && j.getStatus().plan().size() == 2
        && j.getStatus().plan().stream().noneMatch(w -> w.node().equals(lost)), 120);
    assertThat(shrunk.getStatus().plan()).extracting(PlannedWorker::worker).containsExactly("elastic-cpu-0", survivor);
    assertThat(shrunk.getStatus().plan()).extracting(PlannedWorker::rank).containsExactly(0, 1);
    List<Pod> two = Jobs.awaitRunningPods(client, NS, JOB, 2, 120);
    assertThat(uidOf(two, "elastic-cpu-0")).isEqualTo(first.getMetadata().getUid());
    assertThat(uidOf(two, survivor)).as("the surviving new worker is not recreated either").isEqualTo(survivorUid);
    Jobs.until("the plan ConfigMap lists 2 workers", 60, this::mountedPlan, p -> p.workers().size() == 2,
        p -> p.workers().size() + " workers, version " + p.planVersion());
    assertThat(events("NodeLost")).anySatisfy(e -> assertThat(e.getMessage()).contains("pool cpu 3 -> 2 workers"));
    // No growth back: the lost node is gone and nothing else has room.
    assertThat(Jobs.await(client, NS, JOB, j -> true, 10).getStatus().plan()).hasSize(2);

    client.resources(HeteroTrainingJob.class).inNamespace(NS).withName(JOB).delete();
  }

  private PlanDocument mountedPlan() {
    return PlanCodec.fromJson(client.configMaps().inNamespace(NS).withName(JOB + "-plan").get().getData().get("plan.json"));
  }

  private static String uidOf(List<Pod> pods, String name) {
    Map<String, String> uids = pods.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    return uids.get(name);
  }

  private static List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
  }
}
