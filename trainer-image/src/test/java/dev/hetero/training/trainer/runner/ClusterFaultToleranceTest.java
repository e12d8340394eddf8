package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.IdxFiles;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.worker.EventLine;
import dev.hetero.training.trainer.worker.TrainerEnv;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-cluster path on loopback: four worker processes (rank 0 coordinates and trains) over
 * the real gRPC data plane, started as pods would be (environment + plan file), with the
 * operator's reactions played by the test: a worker is killed with SIGKILL mid-run and
 * restarted, the coordinator is killed and restarted and resumes from its checkpoint, and an
 * intruder with a wrong token is refused. The job still completes with every worker ending on
 * the same model.
 */
class ClusterFaultToleranceTest {
  private static final java.util.regex.Pattern LEFT_OUT = java.util.regex.Pattern.compile(
      "worker rank 2 (disconnected during the round|did not pick up its command within \\d+ s); left out");

  static final String JOB = "it-faults";

  @TempDir
  Path tmp;
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void survivesAKilledWorkerAndAKilledCoordinatorAndRefusesAWrongToken() throws Exception {
    TrainTestData full = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of("/usr/share/datasets/fashion-mnist"));
    Path data = tmp.resolve("data");
    IdxFiles.writeSubset(new TrainTestData(full.train().head(2048), full.test().head(1000)), data);
    Path yaml = tmp.resolve("job.yaml");
    Files.writeString(yaml, """
        apiVersion: training.hetero.dev/v1alpha1
        kind: HeteroTrainingJob
        metadata: {name: %s}
        spec:
          model: {name: mlp}
          dataset: {name: fashion-mnist, source: {path: %s}}
          training:
            algorithm: biasedLocalSGD
            epochs: 40
            batch: {perWorker: 32}
            learningRate: {initial: 0.05}
            seed: 11
          allocation: {localSteps: {policy: fixed, base: 4}}
          checkpoint: {everyRounds: 5}
          pools:
          - {name: cpu, deviceClass: cpu, replicas: 4, simulatedSlowdown: 8}
        """.formatted(JOB, data));
    HeteroTrainingJobSpec spec = SpecDefaults.apply(JobManifests.read(yaml).getSpec());
    List<PlannedWorker> plan = LocalRunner.plan(JOB, spec);
    assertThat(plan).hasSize(4);
    Path planFile = tmp.resolve("plan.json");
    Files.writeString(planFile, PlanCodec.toJson(new PlanDocument(JOB, "local", 1, spec, plan)));
    Path checkpoints = tmp.resolve("checkpoints");
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    String token = LocalRunner.newToken();
    int port = LocalRunner.freePort();
    RunOptions options = new RunOptions(yaml, null, null, tmp, null, false, 1, false, null);
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    WorkerLauncher launcher = new WorkerLauncher(classpath);
    var pool = spec.pools().get(0);

    java.util.function.IntFunction<Map<String, String>> envOf = rank -> {
      Map<String, String> env = LocalRunner.workerEnv(JOB, spec, plan.get(rank), plan.size(), port, token, planFile, options);
      env.put(WorkerEnv.CHECKPOINT_DIR, checkpoints.toString());
      env.put(TrainerEnv.ROUND_DEADLINE_SECONDS, "60");
      env.put(TrainerEnv.PICKUP_SECONDS, "5");
      env.put(TrainerEnv.POLL_SECONDS, "2");
      env.put(TrainerEnv.ROUND_EVENTS_EVERY_MS, "0");
      return env;
    };
    List<EventLine> firstEvents = new CopyOnWriteArrayList<>();
    Process coordinator = start(launcher, plan.get(0), pool, envOf.apply(0), logs.resolve("rank0.log"), firstEvents);
    Process rank1 = start(launcher, plan.get(1), pool, envOf.apply(1), logs.resolve("rank1.log"), null);
    Process rank2 = start(launcher, plan.get(2), pool, envOf.apply(2), logs.resolve("rank2.log"), null);
    Process rank3 = start(launcher, plan.get(3), pool, envOf.apply(3), logs.resolve("rank3.log"), null);
    Map<String, String> intruderEnv = envOf.apply(1);
    intruderEnv.put(WorkerEnv.TOKEN, "not-the-job-token-0000");
    Process intruder = start(launcher, plan.get(1), pool, intruderEnv, logs.resolve("intruder.log"), null);

    // 1. a worker is killed mid-run (SIGKILL) and restarted by "the operator"
    waitFor(() -> lastRound(firstEvents) >= 10, 120, "round 10", logs);
    rank2.destroyForcibly().waitFor();
    long killedNanos = System.nanoTime();
    waitFor(() -> LEFT_OUT.matcher(read(logs.resolve("rank0.log"))).find(), 60,
        "rank 2 left out", logs);
    double noticedAfter = (System.nanoTime() - killedNanos) / 1e9;
    Process rank2b = start(launcher, plan.get(2), pool, envOf.apply(2), logs.resolve("rank2-restarted.log"), null);
    waitFor(() -> read(logs.resolve("rank2-restarted.log")).contains("connected"), 60, "restarted rank 2 connected", logs);
    long rejoinedAt = lastRound(firstEvents);

    // 2. the coordinator is killed once a checkpoint after the rejoin exists, then restarted
    waitFor(() -> newestCheckpointRound(checkpoints) >= rejoinedAt + 10, 120, "a checkpoint after the rejoin", logs);
    double accuracyBefore = lastAccuracy(firstEvents);
    coordinator.destroyForcibly().waitFor();
    long roundAtKill = lastRound(firstEvents);
    long checkpointed = newestCheckpointRound(checkpoints);
    assertThat(roundAtKill).as("the job must still be running when the coordinator is killed").isLessThan(150);
    List<EventLine> secondEvents = new CopyOnWriteArrayList<>();
    Process coordinator2 = start(launcher, plan.get(0), pool, envOf.apply(0), logs.resolve("rank0-restarted.log"), secondEvents);

    assertThat(coordinator2.waitFor(240, TimeUnit.SECONDS)).as("restarted coordinator finishes").isTrue();
    String log0 = read(logs.resolve("rank0-restarted.log"));
    assertThat(coordinator2.exitValue()).as(log0).isZero();
    for (Process p : List.of(rank1, rank2b, rank3)) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(read(logs.resolve("rank1.log")) + read(logs.resolve("rank3.log"))).isZero();
    }

    // the restarted coordinator resumed from the checkpoint: rounds continue, accuracy is not back at chance
    assertThat(log0).contains("resumed from the checkpoint of round " + checkpointed);
    EventLine firstRound = secondEvents.stream().filter(e -> e.kind().equals("round")).findFirst().orElseThrow();
    assertThat((long) firstRound.number("round")).isEqualTo(checkpointed + 1);
    EventLine firstEval = secondEvents.stream().filter(e -> e.kind().equals("eval")).findFirst().orElseThrow();
    assertThat(firstEval.number("accuracy")).as("first evaluation after the resume").isGreaterThan(0.6)
        .isGreaterThan(accuracyBefore - 0.1);
    EventLine done = secondEvents.stream().filter(e -> e.kind().equals("done")).findFirst().orElseThrow();
    assertThat(done.number("accuracy")).isGreaterThan(0.7);
    assertThat(done.number("samples")).isGreaterThanOrEqualTo(40 * 2048);
    String digest = done.fields().get("digest");
    assertThat(done.fields().get("workerDigests").split(",")).as("every worker ends with the averaged model")
        .hasSize(4).containsOnly(digest);

    // the killed worker was left out, not waited for forever; its replacement rejoined
    String log0first = read(logs.resolve("rank0.log"));
    // noticed through its closed connection, long before the round deadline (60 s here)
    // Killed mid-round it is noticed by its closed connection; between rounds, by its missed pickup.
    assertThat(log0first).containsPattern(LEFT_OUT);
    assertThat(noticedAfter).isLessThan(30);
    assertThat(read(logs.resolve("rank2-restarted.log"))).contains("connected");

    // the intruder was refused, and no log shows either token
    assertThat(intruder.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(intruder.exitValue()).isNotZero();
    assertThat(read(logs.resolve("intruder.log"))).contains("UNAUTHENTICATED");
    assertThat(log0first + log0).contains("wrong job token");
    try (var files = Files.list(logs)) {
      for (Path p : files.toList()) {
        assertThat(read(p)).as(p.toString()).doesNotContain(token).doesNotContain("not-the-job-token-0000");
      }
    }
    try (var files = Files.list(checkpoints)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  private Process start(WorkerLauncher launcher, PlannedWorker w, dev.hetero.training.api.v1alpha1.PoolSpec pool,
      Map<String, String> env, Path log, List<EventLine> events) throws Exception {
    Process p = launcher.start(w, pool, env, log, events != null);
    processes.add(p);
    if (events != null) {
      Path eventsFile = log.resolveSibling(log.getFileName() + ".events");
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            Files.writeString(eventsFile, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
            EventLine e = EventLine.parse(line);
            if (e != null) {
              events.add(e);
            }
          }
        } catch (Exception ignored) {
          // the process was killed
        }
      });
      reader.setDaemon(true);
      reader.start();
    }
    return p;
  }

  private static long lastRound(List<EventLine> events) {
    long round = 0;
    for (EventLine e : events) {
      if (e.kind().equals("round")) {
        round = Math.max(round, (long) e.number("round"));
      }
    }
    return round;
  }

  private static double lastAccuracy(List<EventLine> events) {
    double acc = 0;
    for (EventLine e : events) {
      if (e.kind().equals("eval")) {
        acc = e.number("accuracy");
      }
    }
    return acc;
  }

  private static long newestCheckpointRound(Path dir) {
    try {
      List<Path> all = new CheckpointStore(dir, 2, System.err).list();
      return all.isEmpty() ? -1 : CheckpointStore.read(all.get(0)).round();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void waitFor(BooleanSupplier condition, int seconds, String what, Path logs) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        StringBuilder b = new StringBuilder("timed out waiting for " + what + "\n");
        try (var files = Files.list(logs)) {
          for (Path p : files.toList()) {
            String text = read(p);
            b.append("== ").append(p.getFileName()).append('\n').append(text.substring(Math.max(0, text.length() - 1500)));
          }
        }
        throw new AssertionError(b.toString());
      }
      Thread.sleep(100);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (Exception e) {
      return "";
    }
  }
}
