package dev.hetero.training.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scale benchmark (not a test): 1,000 kwok nodes of mixed kinds, 100 jobs of 8 workers each,
 * against a dedicated kube-apiserver (with an audit log, to count the operator's requests),
 * kube-scheduler, kube-controller-manager, kwok and the real operator process.
 * Reports time from apply to all pods Running, API requests per job, operator CPU and heap.
 *
 * <p>Run: ./mvnw -B -ntp -pl e2e -Pscale-bench verify  (after building the reactor once)
 */
public final class ScaleBenchmark {
  private static final String BENCH_AGENT = "hetero-scale-bench";
  private static final String[] GPU_PRODUCTS = {"NVIDIA-A100-SXM4-80GB", "Tesla-V100-SXM2-16GB", "Tesla-T4", "NVIDIA-H100-80GB-HBM3"};

  private ScaleBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int nodes = intArg(args, 0, 1000);
    int jobs = intArg(args, 1, 100);
    Path dir = Path.of("target", "scale-bench").toAbsolutePath();
    Files.createDirectories(dir);
    Path policy = dir.resolve("audit-policy.yaml");
    Files.writeString(policy, """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: Metadata
        """);
    Path audit = dir.resolve("audit.log");
    Files.deleteIfExists(audit);
    Map<String, String> flags = new java.util.LinkedHashMap<>();
    flags.put("--audit-policy-file", policy.toString());
    flags.put("--audit-log-path", audit.toString());
    flags.put("--audit-log-format", "json");
    flags.put("--audit-log-mode", "batch");
    flags.put("--max-requests-inflight", "800");
    flags.put("--max-mutating-requests-inflight", "400");

    ControlPlane cp = ControlPlane.startDedicated(dir.resolve("kubeapitest"), flags);
    Cluster cluster = Cluster.startOn(cp, dir.resolve("logs"));
    OperatorProcess operator = null;
    Config config = Config.fromKubeconfig(cp.kubeconfigYaml());
    config.setUserAgent(BENCH_AGENT);
    config.setMaxConcurrentRequests(64);
    config.setMaxConcurrentRequestsPerHost(64);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      cp.installCrd();
      Instant nodesStart = Instant.now();
      createNodes(client, pool, nodes);
      Duration nodesTime = Duration.between(nodesStart, Instant.now());
      System.out.printf("%d nodes Ready and untainted in %.1f s%n", nodes, nodesTime.toMillis() / 1000.0);

      operator = OperatorProcess.start(cp, "scale-operator", Map.of("JAVA_TOOL_OPTIONS", "-Xmx512m"));
      long cpuBefore = cpuMillis(operator.pid());
      Jobs.namespace(client, "scale");
      Instant applyStart = Instant.now();
      List<Future<?>> applies = new ArrayList<>();
      for (int j = 0; j < jobs; j++) {
        int index = j;
        applies.add(pool.submit(() -> client.resource(job(index)).create()));
      }
      for (Future<?> f : applies) {
        f.get();
      }
      Duration applyTime = Duration.between(applyStart, Instant.now());

      Map<String, Instant> jobDone = new HashMap<>();
      Instant allExist = null;
      Instant deadline = Instant.now().plus(Duration.ofMinutes(20));
      int running = 0;
      while (Instant.now().isBefore(deadline)) {
        List<Pod> pods = client.pods().inNamespace("scale").withLabel("app.kubernetes.io/managed-by", "hetero-training-operator")
            .list().getItems();
        if (allExist == null && pods.size() >= jobs * 8) {
          allExist = Instant.now();
        }
        Map<String, Integer> runningPerJob = new HashMap<>();
        running = 0;
        for (Pod p : pods) {
          if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) && p.getMetadata().getDeletionTimestamp() == null) {
            running++;
            runningPerJob.merge(p.getMetadata().getLabels().get("training.hetero.dev/job"), 1, Integer::sum);
          }
        }
        Instant now = Instant.now();
        runningPerJob.forEach((job, count) -> {
          if (count == 8) {
            jobDone.putIfAbsent(job, now);
          }
        });
        if (running >= jobs * 8) {
          break;
        }
        Thread.sleep(1000);
      }
      Instant end = Instant.now();
      long cpuAfter = cpuMillis(operator.pid());
      String metrics = operator.metrics();
      double heapMb = sumMetric(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / 1024 / 1024;
      long rssKb = rssKb(operator.pid());
      Thread.sleep(3000); // let the audit backend flush its batch
      Map<String, Integer> requestsByAgent = new TreeMap<>();
      Map<String, Integer> operatorRequestsByVerb = new TreeMap<>();
      countRequests(audit, applyStart, end, requestsByAgent, operatorRequestsByVerb);
      int operatorRequests = operatorRequestsByVerb.values().stream().mapToInt(Integer::intValue).sum();

      List<Double> perJob = jobDone.values().stream().map(t -> Duration.between(applyStart, t).toMillis() / 1000.0).sorted().toList();
      List<HeteroTrainingJob> all = client.resources(HeteroTrainingJob.class).inNamespace("scale").list().getItems();
      Map<String, Long> phases = new TreeMap<>();
      all.forEach(j -> phases.merge(j.getStatus() == null || j.getStatus().phase() == null ? "none" : j.getStatus().phase().name(), 1L, Long::sum));

      StringBuilder report = new StringBuilder();
      report.append("| measure | value |\n|---|---|\n");
      report.append(row("nodes (kwok), of which GPU", nodes + ", " + nodes / 10));
      report.append(row("jobs x workers", jobs + " x 8 (2 GPU + 6 CPU)"));
      report.append(row("nodes created and Ready", String.format("%.1f s", nodesTime.toMillis() / 1000.0)));
      report.append(row("jobs applied (8 client threads)", String.format("%.1f s", applyTime.toMillis() / 1000.0)));
      report.append(row("apply -> all pods exist", allExist == null ? "not reached" : String.format("%.1f s",
          Duration.between(applyStart, allExist).toMillis() / 1000.0)));
      report.append(row("apply -> all pods Running", running >= jobs * 8 ? String.format("%.1f s",
          Duration.between(applyStart, end).toMillis() / 1000.0) : "not reached: " + running + " of " + jobs * 8));
      report.append(row("per job, apply -> 8 Running: median / p90", perJob.isEmpty() ? "-" : String.format("%.1f s / %.1f s",
          perJob.get(perJob.size() / 2), perJob.get((int) Math.min(perJob.size() - 1, Math.floor(perJob.size() * 0.9))))));
      report.append(row("job phases at the end", phases.toString()));
      report.append(row("operator API requests (audit log, from apply to end)", Integer.toString(operatorRequests)));
      report.append(row("operator API requests per job", String.format("%.1f", operatorRequests / (double) jobs)));
      report.append(row("operator requests by verb", operatorRequestsByVerb.toString()));
      report.append(row("operator CPU time during the run", String.format("%.1f s", (cpuAfter - cpuBefore) / 1000.0)));
      report.append(row("operator heap used at the end / RSS", String.format("%.0f MiB / %d MiB", heapMb, rssKb / 1024)));
      report.append(row("all clients' requests in the window", requestsByAgent.toString()));
      System.out.println(report);
      Files.writeString(dir.resolve("report.md"), report.toString());
    } finally {
      pool.shutdownNow();
      if (operator != null) {
        operator.close();
      }
      cluster.stopComponents();
      cp.stop();
    }
  }

  private static String row(String k, String v) {
    return "| " + k + " | " + v + " |\n";
  }

  private static int intArg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  /** 10% GPU nodes (8 GPUs, four products), 90% CPU nodes of 4 to 64 cores, some capacity labels. */
  private static void createNodes(KubernetesClient client, ExecutorService pool, int count) throws Exception {
    Random random = new Random(7);
    List<Future<?>> futures = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean gpu = i % 10 == 0;
      String name = String.format("scale-%04d", i);
      names.add(name);
      Map<String, String> labels = new HashMap<>();
      labels.put("kubernetes.io/hostname", name);
      int cpus = gpu ? 32 : new int[] {4, 8, 16, 32, 64}[random.nextInt(5)];
      Map<String, Quantity> allocatable = new HashMap<>(Map.of("cpu", new Quantity(Integer.toString(cpus)),
          "memory", new Quantity(cpus * 4 + "Gi"), "pods", new Quantity("110")));
      if (gpu) {
        allocatable.put("nvidia.com/gpu", new Quantity("8"));
        labels.put("nvidia.com/gpu.product", GPU_PRODUCTS[random.nextInt(GPU_PRODUCTS.length)]);
      } else if (random.nextInt(10) == 0) {
        labels.put("training.hetero.dev/capacity-per-cpu", Integer.toString(1 + random.nextInt(3)));
      }
      Node node = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels)
          .withAnnotations(Map.of("kwok.x-k8s.io/node", "fake")).endMetadata().build();
      futures.add(pool.submit(() -> {
        client.resource(node).create();
        client.nodes().withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(Map.of("status", Map.of("allocatable", allocatable, "capacity", allocatable))));
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    // Wait for kwok to report Ready, then lift the admission taint (no node-lifecycle controller here).
    List<Future<?>> untaints = new ArrayList<>();
    for (String name : names) {
      untaints.add(pool.submit(() -> {
        client.nodes().withName(name).waitUntilCondition(Cluster::isReady, 300, java.util.concurrent.TimeUnit.SECONDS);
        client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"taints\":null}}");
        return null;
      }));
    }
    for (Future<?> f : untaints) {
      f.get();
    }
  }

  private static HeteroTrainingJob job(int index) {
    return Jobs.job(String.format("scale-%03d", index), "scale").gpuPool("gpu", 2)
        .pool("{name: cpu, deviceClass: cpu, replicas: 6, cpusPerWorker: 2}").job();
  }

  private static long cpuMillis(long pid) throws IOException {
    String[] fields = Files.readString(Path.of("/proc", Long.toString(pid), "stat")).split("\\) ")[1].split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime, in clock ticks (100 Hz)
    return ticks * 10;
  }

  private static long rssKb(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("VmRSS:"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
  }

  private static double sumMetric(String metrics, String name, String labelFilter) {
    return metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains(labelFilter))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Counts audited requests per user agent; the operator is the only Fabric8 client left (the bench sets its own agent). */
  private static void countRequests(Path audit, Instant from, Instant to, Map<String, Integer> byAgent, Map<String, Integer> operatorByVerb)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader reader = Files.newBufferedReader(audit)) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode event = json.readTree(line);
        if (!"ResponseComplete".equals(event.path("stage").asText()) && !"Panic".equals(event.path("stage").asText())) {
          // Long-running watches log ResponseStarted first; count each request once, at its start.
          if (!"ResponseStarted".equals(event.path("stage").asText())) {
            continue;
          }
        }
        Instant at = Instant.parse(event.path("requestReceivedTimestamp").asText());
        if (at.isBefore(from) || at.isAfter(to)) {
          continue;
        }
        String agent = event.path("userAgent").asText();
        String client = agent.startsWith("fabric8") ? "operator" : agent.split("/")[0];
        if ("ResponseStarted".equals(event.path("stage").asText()) || !"watch".equals(event.path("verb").asText())) {
          byAgent.merge(client, 1, Integer::sum);
          if (client.equals("operator")) {
            operatorByVerb.merge(event.path("verb").asText(), 1, Integer::sum);
          }
        }
      }
    }
  }
}
