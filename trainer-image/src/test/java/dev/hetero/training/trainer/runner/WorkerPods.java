package dev.hetero.training.trainer.runner;

import static org.awaitility.Awaitility.await;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEndpoints;
import dev.hetero.training.trainer.data.IdxFiles;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.observe.EventLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Worker processes started as the operator starts pods: each "pod" gets a directory of its own
 * (its copy of the plan as the ConfigMap mount, its own tmp and HOME, its own copy of the data
 * set as a volume), the worker environment of {@code WorkerEnvironment.of}, and its log. The only
 * things pods share are the checkpoint directory (the volume the operator mounts into the
 * coordinator, here the same path for every incarnation) and this machine's DJL native-library
 * cache (read-only after the first extraction, as baked into the image). So a restarted
 * coordinator finds nothing of its predecessor but the checkpoint volume.
 */
final class WorkerPods implements AutoCloseable {
  private final Path root;
  private PlanDocument plan;
  private final TrainTestData data;
  private final Path checkpoints;
  private final int coordinatorPort;
  private final String token = LocalRunner.newToken();
  private final RunnerEnvironment machine = RunnerAccess.environment();
  private final RunOptions options;
  private final List<Pod> pods = new ArrayList<>();

  /** One worker process: its log and, for rank 0, the event lines it printed (read by {@code reader}). */
  record Pod(String name, Process process, Path log, List<EventLine> events, Thread reader) {
    /** Whether the process ended within {@code within}; then its event lines are all read, up to the last. */
    boolean exited(Duration within) throws InterruptedException {
      if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return false;
      }
      if (reader != null) {
        reader.join(10_000);
      }
      return true;
    }
  }

  WorkerPods(Path root, PlanDocument plan, TrainTestData data, Path checkpoints) throws IOException {
    this.root = root;
    this.plan = plan;
    this.data = data;
    this.checkpoints = checkpoints;
    this.coordinatorPort = LocalRunner.freePort();
    this.options = new RunOptions(root.resolve("job.yaml"), null, null, root, null, false, 1, false);
    Files.createDirectories(root.resolve("logs"));
  }

  /** The first {@code train} training and {@code test} test images of the installed Fashion-MNIST, for the pods to copy. */
  static TrainTestData fashionHead(int train, int test) throws IOException {
    TrainTestData full = dev.hetero.training.trainer.data.DatasetLoader.fromDirectory(
        dev.hetero.training.api.v1alpha1.DatasetName.FASHION_MNIST, Path.of("/usr/share/datasets/fashion-mnist"));
    return new TrainTestData(full.train().head(train), full.test().head(test));
  }

  Path logs() {
    return root.resolve("logs");
  }

  String token() {
    return token;
  }

  /**
   * A new plan version, as the operator publishes it: every pod's mounted copy is replaced in one
   * rename (as the kubelet updates a ConfigMap volume), and pods started from now on get it.
   */
  void publish(PlanDocument next) throws IOException {
    plan = next;
    for (Pod pod : pods) {
      Path dir = root.resolve("pods").resolve(pod.name());
      Path tmpPlan = dir.resolve("plan.json.new");
      Files.writeString(tmpPlan, PlanCodec.toJson(next));
      Files.move(tmpPlan, dir.resolve("plan.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Starts the worker of this name in the current plan as a new pod. */
  Pod start(String worker, Map<String, String> extraEnv) throws IOException {
    for (int rank = 0; rank < plan.workers().size(); rank++) {
      if (plan.workers().get(rank).worker().equals(worker)) {
        return start(rank, extraEnv);
      }
    }
    throw new IllegalArgumentException(worker + " is not in plan version " + plan.planVersion());
  }

  /** Starts the worker of {@code rank} as a new pod (a fresh directory), with these variables added or replaced. */
  Pod start(int rank, Map<String, String> extraEnv) throws IOException {
    String name = plan.workers().get(rank).worker() + "-" + pods.stream().filter(p -> p.name().startsWith(
        plan.workers().get(rank).worker() + "-")).count();
    Path dir = Files.createDirectories(root.resolve("pods").resolve(name));
    Files.writeString(dir.resolve("plan.json"), PlanCodec.toJson(plan));
    IdxFiles.writeSubset(data, dir.resolve("data"));
    Files.createDirectories(dir.resolve("tmp"));
    WorkerEndpoints endpoints = new WorkerEndpoints("127.0.0.1:" + coordinatorPort, dir.resolve("plan.json").toString(),
        checkpoints.toString(), dir.resolve("data").toString(), machine.djl().cacheDirOrDefault(machine.userHome()).toString(),
        dir.resolve("tmp").toString(), "0");
    Map<String, String> env = LocalRunner.workerEnvironment(plan, plan.workers().get(rank), endpoints, 1, token, options);
    env.putAll(extraEnv);
    Path log = logs().resolve(name + ".log");
    Process process = new WorkerLauncher(machine.classpath(), machine.workerMainClass()).start(env, log, rank == 0, dir);
    List<EventLine> events = new CopyOnWriteArrayList<>();
    Thread reader = rank == 0 ? follow(process, log.resolveSibling(name + ".log.events"), events) : null;
    Pod pod = new Pod(name, process, log, events, reader);
    pods.add(pod);
    return pod;
  }

  private static Thread follow(Process p, Path eventsFile, List<EventLine> events) {
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Files.writeString(eventsFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          EventLine e = EventLine.parse(line);
          if (e != null) {
            events.add(e);
          }
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    });
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** Every pod still running is killed (the test's end, whatever happened). */
  @Override
  public void close() {
    pods.forEach(p -> p.process().destroyForcibly());
  }

  /** The highest round reported in {@code events}, 0 before the first. */
  static long lastRound(List<EventLine> events) {
    return events.stream().filter(e -> e.kind().equals("round")).mapToLong(e -> (long) e.number("round")).max().orElse(0);
  }

  /** The round of the newest checkpoint event, -1 before the first. */
  static long lastCheckpoint(List<EventLine> events) {
    return events.stream().filter(e -> e.kind().equals("checkpoint")).mapToLong(e -> (long) e.number("round")).max().orElse(-1);
  }

  /** The first event of a kind, or null. */
  static EventLine first(List<EventLine> events, String kind) {
    return events.stream().filter(e -> e.kind().equals(kind)).findFirst().orElse(null);
  }

  /** Waits for a positive signal; on time-out the failure shows the end of every log. */
  void awaitOrShowLogs(String what, Duration within, Callable<Boolean> signal) throws Exception {
    try {
      await(what).atMost(within).pollInterval(Duration.ofMillis(50)).until(signal);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(tails("timed out waiting for " + what), e);
    }
  }

  /** The end of every log, for a failure message. */
  String tails(String headline) throws IOException {
    StringBuilder b = new StringBuilder(headline).append('\n');
    try (var files = Files.list(logs())) {
      for (Path p : files.sorted().toList()) {
        String text = read(p);
        b.append("== ").append(p.getFileName()).append('\n').append(text.substring(Math.max(0, text.length() - 1500)));
      }
    }
    return b.toString();
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
