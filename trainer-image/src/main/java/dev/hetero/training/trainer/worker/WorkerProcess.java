package dev.hetero.training.trainer.worker;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.trainer.algo.WorkerSettings;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.net.CoordinatorServer;
import dev.hetero.training.trainer.net.Frames;
import dev.hetero.training.trainer.net.WorkerClient;
import dev.hetero.training.trainer.observe.KubeApiTarget;
import dev.hetero.training.trainer.observe.StatusReporter;
import dev.hetero.training.trainer.observe.TrainerMetrics;
import java.time.Instant;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One worker process, configured exactly as in a pod: the environment of {@link WorkerEnv} plus
 * the mounted plan document. Rank 0 also runs the coordinator.
 */
public final class WorkerProcess {
  private final Map<String, String> env;
  private final PrintStream events;
  private final PrintStream log;

  public WorkerProcess(Map<String, String> env, PrintStream events, PrintStream log) {
    this.env = env;
    this.events = events;
    this.log = log;
  }

  public void run() throws IOException {
    int rank = intEnv(WorkerEnv.RANK);
    int world = intEnv(WorkerEnv.WORLD_SIZE);
    int batch = intEnv(WorkerEnv.BATCH_SIZE);
    int localSteps = intEnv(WorkerEnv.LOCAL_STEPS);
    String token = required(WorkerEnv.TOKEN);
    InetSocketAddress coordinator = address(required(WorkerEnv.COORDINATOR_ADDR));
    Path planFile = Path.of(required(WorkerEnv.PLAN_FILE));
    PlanDocument plan = readPlan(planFile);
    HeteroTrainingJobSpec spec = JobSetup.spec(plan);
    if (world != plan.workers().size() || rank < 0 || rank >= world) {
      throw new IllegalArgumentException(WorkerEnv.RANK + "=" + rank + " and " + WorkerEnv.WORLD_SIZE + "=" + world
          + " do not match the plan's " + plan.workers().size() + " workers");
    }
    String dataDir = env.get(WorkerEnv.DATA_DIR);
    DjlRuntime.configure(env);
    DatasetName dataset = spec.dataset().name();
    TrainTestData data = DatasetLoader.load(dataset, spec.dataset().source(), dataDir == null || dataDir.isBlank() ? null : Path.of(dataDir));
    boolean wallClock = !"virtual".equalsIgnoreCase(env.getOrDefault(TrainerEnv.CLOCK, "wall"));
    var settings = JobSetup.coordinatorConfig(plan, data.train().size(), new boolean[0], 0, null, 1).workers();
    WorkerSettings mine = settings.get(rank);
    String jobName = env.getOrDefault(WorkerEnv.JOB_NAME, plan.jobName());
    String workerName = env.getOrDefault(WorkerEnv.WORKER_NAME, mine.name());
    try (LocalTrainer trainer = new LocalTrainer(spec.model().name(), dataset, OptimizerSettings.of(spec.training().optimizer()),
        spec.training().seed());
        TrainerMetrics metrics = new TrainerMetrics(jobName, workerName)) {
      serveMetrics(metrics);
      Normalization norm = Normalization.of(dataset);
      BatchAssembler train = new BatchAssembler(data.train(), norm, dataset == DatasetName.CIFAR10);
      RoundExecutor executor = new RoundExecutor(rank, trainer, train, batch, mine.slowdown(), wallClock);
      executor.observer((command, result, wall) -> {
        double loss = 0;
        for (float l : result.losses()) {
          loss += l;
        }
        int n = result.indices().length;
        metrics.round(n / Math.max(1, command.batch() > 0 ? command.batch() : batch), n, result.computeSeconds(), wall,
            n == 0 ? Double.NaN : loss / n);
      });
      Duration deadline = Duration.ofSeconds(longEnv(TrainerEnv.ROUND_DEADLINE_SECONDS, 600));
      Duration connect = Duration.ofSeconds(longEnv(TrainerEnv.CONNECT_SECONDS, 120));
      Duration poll = Duration.ofSeconds(longEnv(TrainerEnv.POLL_SECONDS, 10));
      PlanWatcher watcher = new PlanWatcher(planFile, plan.planVersion(), longEnv(TrainerEnv.PLAN_POLL_MS, 1000), log);
      if (rank != 0) {
        Frames.Hello hello = new Frames.Hello(rank, world, batch, localSteps, trainer.layout().totalSize(), new byte[0]);
        WorkerClient.serve(coordinator, token, hello, executor, connect, poll, deadline, metrics, command -> {
          PlanDocument next = watcher.poll();
          if (next != null) {
            log.println("worker rank " + rank + ": picked up plan version " + next.planVersion() + " at round " + command.round());
          }
          if (command.batch() > 0 && command.batch() != executor.batch()) {
            log.println("worker rank " + rank + ": batch " + executor.batch() + " -> " + command.batch() + " from round "
                + command.round());
          }
        }, log);
        return;
      }
      if (batch != mine.batch() || localSteps != mine.localSteps()) {
        throw new IllegalArgumentException("rank 0: " + WorkerEnv.BATCH_SIZE + "=" + batch + " and " + WorkerEnv.LOCAL_STEPS + "="
            + localSteps + " differ from the plan's " + mine.batch() + " x " + mine.localSteps());
      }
      coordinate(plan, data, trainer, executor, token, bindAddress(coordinator), connect, deadline, poll, metrics, watcher);
    }
  }

  private void serveMetrics(TrainerMetrics metrics) throws IOException {
    String value = env.getOrDefault(WorkerEnv.METRICS_PORT, String.valueOf(WorkerEnv.METRICS_DEFAULT_PORT)).trim();
    if (value.isEmpty() || value.equals("off") || value.startsWith("-")) {
      return;
    }
    int port;
    try {
      port = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + WorkerEnv.METRICS_PORT + " must be a port, 0 or off, got '" + value + "'");
    }
    log.println("metrics: serving /metrics on port " + metrics.serve(port));
  }

  private void coordinate(PlanDocument plan, TrainTestData data, LocalTrainer trainer, RoundExecutor executor, String token,
      InetSocketAddress bind, Duration connect, Duration deadline, Duration poll, TrainerMetrics metrics, PlanWatcher watcher)
      throws IOException {
    int modelSize = trainer.layout().totalSize();
    double comm = env.containsKey(TrainerEnv.COMM_SECONDS) ? Double.parseDouble(env.get(TrainerEnv.COMM_SECONDS))
        : CommunicationCost.perRound(modelSize, plan.workers().size());
    int evals = (int) longEnv(TrainerEnv.EVALS_PER_EPOCH, 1);
    HeteroTrainingJobSpec spec = JobSetup.spec(plan);
    CoordinatorConfig config = JobSetup.coordinatorConfig(plan, data.train().size(), trainer.layout().bufferMask(), comm, null, evals);
    BatchAssembler test = new BatchAssembler(data.test(), Normalization.of(spec.dataset().name()), false);
    List<WorkerHandle> handles = new ArrayList<>();
    handles.add(new InProcessWorker(executor));
    Duration pickup = Duration.ofSeconds(longEnv(TrainerEnv.PICKUP_SECONDS, 10));
    String namespace = env.getOrDefault(WorkerEnv.JOB_NAMESPACE, plan.namespace());
    String jobName = env.getOrDefault(WorkerEnv.JOB_NAME, plan.jobName());
    KubeApiTarget api = KubeApiTarget.fromEnv(env);
    StatusReporter status = api == null ? null : new StatusReporter(api, namespace, jobName,
        Duration.ofMillis((long) (1000 * Double.parseDouble(env.getOrDefault(KubeApiTarget.INTERVAL_SECONDS, "5")))),
        Duration.ofMillis(500), log);
    if (status != null) {
      log.println("status: reporting to " + api.baseUrl() + " for " + namespace + "/" + jobName);
    }
    String checkpointDir = env.get(WorkerEnv.CHECKPOINT_DIR);
    long everyRounds = env.containsKey(TrainerEnv.CHECKPOINT_EVERY_ROUNDS) ? longEnv(TrainerEnv.CHECKPOINT_EVERY_ROUNDS, 50)
        : spec.checkpoint() != null && spec.checkpoint().everyRounds() != null ? spec.checkpoint().everyRounds() : 50;
    try (CoordinatorServer server = new CoordinatorServer(bind, token.getBytes(StandardCharsets.UTF_8), plan.workers().size(),
        modelSize, poll, metrics, log)) {
      events.println(EventLine.format("listening", "port", server.port(), "workers", plan.workers().size()));
      var joined = server.awaitJoined(connect);
      if (joined.size() < plan.workers().size() - 1) {
        log.println("coordinator: only ranks " + joined + " connected within " + connect.toSeconds()
            + " s; starting without the others (they join when they come)");
      }
      handles.addAll(server.remoteWorkers(pickup, deadline));
      events.println(EventLine.format("started", "workers", handles.size(), "modelValues", modelSize,
          "bufferValues", trainer.layout().bufferValues()));
      long everyMs = longEnv(TrainerEnv.ROUND_EVENTS_EVERY_MS, 250);
      int n = data.train().size();
      TrainingListener listener = new TrainingListener() {
        long lastPrinted;
        Double accuracy;

        @Override
        public void onRound(RoundReport report) {
          long now = System.nanoTime() / 1_000_000;
          if (now - lastPrinted >= everyMs) {
            lastPrinted = now;
            events.println(EventLine.format(report));
          }
          if (status != null) {
            status.update(new TrainingProgress(report.round(), report.epoch(), report.samples(), report.trainLoss(), accuracy,
                report.samplesPerSecond(), Instant.now().toString()), null);
          }
        }

        @Override
        public void onEvaluation(EvaluationReport report) {
          events.println(EventLine.format(report));
          accuracy = report.accuracy();
          metrics.accuracy(report.accuracy());
          if (status != null) {
            status.update(new TrainingProgress(report.round(), report.epoch(), report.samples(), report.trainLoss(),
                report.accuracy(), report.samplesPerSecond(), Instant.now().toString()), null);
          }
        }

        @Override
        public void onWorkers(List<WorkerStatus> workers) {
          if (status != null) {
            status.update(null, workers);
          }
        }

        @Override
        public void onAggregationWait(double seconds) {
          metrics.aggregationWait(seconds);
        }
      };
      ModelEvaluator evaluator = model -> {
        trainer.loadModel(model, true);
        return trainer.evaluate(test);
      };
      Coordinator coordinator = new Coordinator(config, handles, evaluator, listener).log(log).planSource(() -> {
        PlanDocument next = watcher.poll();
        if (next == null) {
          return null;
        }
        log.println("coordinator: plan version " + next.planVersion() + " found");
        return JobSetup.coordinatorConfig(next, n, new boolean[0], 0, null, 1).workers();
      });
      if (checkpointDir != null && !checkpointDir.isBlank()) {
        coordinator.checkpoints(new CheckpointStore(Path.of(checkpointDir), 2, log), (int) Math.max(1, everyRounds));
      }
      RunOutcome outcome = coordinator.run(trainer.readModel());
      log.println("coordinator: data plane " + metrics.bytesSent() + " bytes sent, " + metrics.bytesReceived()
          + " bytes received over " + outcome.rounds() + " rounds (this run's rounds, final exchange included)");
      if (status != null) {
        status.flush(Duration.ofSeconds(15));
        status.close();
      }
      events.println(EventLine.format("done", "rounds", outcome.rounds(), "samples", outcome.samples(),
          "elapsed", outcome.elapsedSeconds(), "virtual", outcome.virtualSeconds(), "accuracy", outcome.last().accuracy(),
          "digest", outcome.expectedDigest(), "workerDigests", String.join(",", outcome.finalDigests())));
    } finally {
      handles.forEach(WorkerHandle::close);
      if (status != null) {
        status.close();
      }
    }
  }

  /** Loopback when the coordinator address is loopback (the local runner), every interface otherwise (a pod). */
  static InetSocketAddress bindAddress(InetSocketAddress coordinator) {
    String host = coordinator.getHostString();
    if (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")) {
      return new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), coordinator.getPort());
    }
    return new InetSocketAddress(coordinator.getPort());
  }

  static PlanDocument readPlan(Path file) {
    try {
      return PlanCodec.fromJson(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(WorkerEnv.PLAN_FILE + "=" + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(WorkerEnv.PLAN_FILE + "=" + file + ": cannot read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  private String required(String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " is required");
    }
    return v;
  }

  private int intEnv(String name) {
    String v = required(name);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + " must be an integer, got '" + v + "'");
    }
  }

  private long longEnv(String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + name + " must be an integer, got '" + v + "'");
    }
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(WorkerEnv.COORDINATOR_ADDR + " must be host:port, got '" + hostPort + "'");
    }
    try {
      return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(WorkerEnv.COORDINATOR_ADDR + " must be host:port, got '" + hostPort + "'");
    }
  }
}
