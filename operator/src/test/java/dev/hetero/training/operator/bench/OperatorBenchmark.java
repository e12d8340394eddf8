package dev.hetero.training.operator.bench;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.JobPhase;
import dev.hetero.training.operator.Fixtures;
import dev.hetero.training.operator.reconciler.ManualWiring;
import dev.hetero.training.operator.reconciler.MockServerSupport;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Not a test: N jobs of W workers each against the Fabric8 mock API server (CRUD mode), all
 * created before the operator starts, as after an operator restart on a busy cluster. Reports the
 * time until every worker pod exists and every job is Planned, and the operator's retained heap
 * (heap with the operator running minus heap after it stopped, both after GC, the mock server's
 * state being the same in both). Command and figures: docs/operator-benchmarks.md.
 */
public final class OperatorBenchmark {
  private OperatorBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int cpuWorkers = (args.length > 1 ? Integer.parseInt(args[1]) : 8) - 2;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    // The mock server logs every request at INFO through java.util.logging: that would be measured too.
    java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
    root.setLevel(java.util.logging.Level.WARNING);
    for (var handler : root.getHandlers()) {
      handler.setLevel(java.util.logging.Level.WARNING);
    }
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    KubernetesClient client = server.createClient();
    MockServerSupport.applyCrd(client);
    int gpuNodes = (jobs * 2 + 7) / 8;
    for (int i = 0; i < gpuNodes; i++) {
      Node n = Fixtures.node("gpu-" + i, Map.of("nvidia.com/gpu.product", "NVIDIA-A100"), "128", "1024Gi", "8");
      client.nodes().resource(n).create();
    }
    for (int j = 0; j < jobs; j++) {
      client.resource(Fixtures.mixed("job-" + j, "bench-" + (j % 10), 2, cpuWorkers, 1).job()).create();
    }
    int expectedPods = jobs * (cpuWorkers + 2);
    System.out.printf("cluster: %d GPU nodes, %d jobs, %d worker pods expected, %d reconcile threads%n", gpuNodes, jobs,
        expectedPods, threads);

    gc();
    long heapBefore = usedHeap();
    long start = System.nanoTime();
    var reconciler = ManualWiring.reconciler(client,
        Fixtures.config(Duration.ofSeconds(10), Duration.ofMinutes(2)), new SimpleMeterRegistry(),
        false, java.time.Clock.systemUTC());
    Operator operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false)
        .withConcurrentReconciliationThreads(threads));
    operator.register(reconciler);
    operator.start();
    long started = System.nanoTime();

    long podsAt = -1;
    long plannedAt = -1;
    while (System.nanoTime() - start < Duration.ofMinutes(10).toNanos() && (podsAt < 0 || plannedAt < 0)) {
      Thread.sleep(250);
      if (podsAt < 0 && client.pods().inAnyNamespace().list().getItems().size() >= expectedPods) {
        podsAt = System.nanoTime();
      }
      if (plannedAt < 0 && client.resources(HeteroTrainingJob.class).inAnyNamespace().list().getItems().stream()
          .allMatch(j -> j.getStatus() != null && j.getStatus().phase() == JobPhase.Planned)) {
        plannedAt = System.nanoTime();
      }
    }
    int pods = client.pods().inAnyNamespace().list().getItems().size();
    gc();
    long heapRunning = usedHeap();
    operator.stop();
    gc();
    long heapStopped = usedHeap();

    System.out.printf("operator start (informers synced): %.2f s%n", (started - start) / 1e9);
    System.out.printf("all %d pods exist after: %s%n", pods, podsAt < 0 ? "TIMEOUT" : String.format("%.2f s", (podsAt - start) / 1e9));
    System.out.printf("all jobs Planned after: %s%n", plannedAt < 0 ? "TIMEOUT" : String.format("%.2f s", (plannedAt - start) / 1e9));
    System.out.printf("duplicate pods: %d%n", pods - expectedPods);
    System.out.printf("heap used (after GC): before operator %d MiB, operator running %d MiB, operator stopped %d MiB%n",
        heapBefore >> 20, heapRunning >> 20, heapStopped >> 20);
    System.out.printf("operator retained heap: ~%d MiB%n", (heapRunning - heapStopped) >> 20);
    System.out.printf("mock-server floor: %d bare pod creates from %d threads take %.2f s%n", expectedPods, threads,
        bareCreates(client, expectedPods, threads) / 1e9);
    client.close();
    server.destroy();
    System.exit(0);
  }

  /** How fast the mock server itself takes the same number of pod creations (no operator). */
  private static long bareCreates(KubernetesClient client, int count, int threads) throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    long t0 = System.nanoTime();
    var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
    for (int i = 0; i < count; i++) {
      int n = i;
      futures.add(pool.submit(() -> client.pods().inNamespace("floor").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
          .withNewMetadata().withName("p-" + n).endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i")
          .endContainer().endSpec().build()).create()));
    }
    for (var f : futures) {
      f.get();
    }
    long elapsed = System.nanoTime() - t0;
    pool.shutdown();
    return elapsed;
  }

  private static void gc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
