package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import dev.hetero.training.api.validation.JobManifests;
import dev.hetero.training.api.validation.SpecDefaults;
import dev.hetero.training.api.validation.SpecValidator;
import dev.hetero.training.trainer.worker.EvaluationReport;
import dev.hetero.training.trainer.worker.EventLine;
import dev.hetero.training.trainer.worker.TrainerEnv;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-machine runner: reads the job YAML with the CRD's rules, plans workers on a synthetic
 * "localhost" node with the operator's planner, writes the plan document a pod would mount,
 * starts one process per worker with a pod's environment, follows rank 0's progress, and writes
 * the training curve. Any failure stops every worker and leaves no half-written output.
 */
public final class LocalRunner {
  private final PrintStream out;

  public LocalRunner(PrintStream out) {
    this.out = out;
  }

  public RunSummary run(RunOptions options) throws IOException {
    HeteroTrainingJob job = JobManifests.read(options.manifest());
    String name = job.getMetadata().getName();
    HeteroTrainingJobSpec spec = overrides(SpecDefaults.apply(job.getSpec()), options);
    List<String> problems = SpecValidator.validate(spec);
    if (!problems.isEmpty()) {
      throw new RunFailure(options.manifest() + " with the command-line overrides: " + String.join("; ", problems));
    }
    List<PlannedWorker> plan = plan(name, spec);
    Path outDir = options.outputDir() != null ? options.outputDir() : Path.of("runs", name);
    Path logs = outDir.resolve("logs");
    Files.createDirectories(logs);
    Path planFile = outDir.resolve("plan.json").toAbsolutePath();
    AtomicFiles.write(planFile, PlanCodec.toJson(new PlanDocument(name, "local", 1, spec, plan)));
    Path curveFile = outDir.resolve("curve.csv");
    Files.deleteIfExists(curveFile);
    // A local run always starts fresh: checkpoints of an earlier run of the same job are removed.
    Path checkpoints = outDir.resolve("checkpoints").toAbsolutePath();
    deleteTree(checkpoints);

    String token = newToken();
    int port = freePort();
    String classpath = options.classpath() != null ? options.classpath()
        : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    WorkerLauncher launcher = new WorkerLauncher(classpath);
    List<Process> processes = new ArrayList<>();
    List<Path> logFiles = new ArrayList<>();
    Thread killer = new Thread(() -> processes.forEach(Process::destroyForcibly));
    Runtime.getRuntime().addShutdownHook(killer);
    if (!options.quiet()) {
      out.printf("job %s: %s with %d workers, %d epochs of %s on %s; logs in %s%n", name,
          spec.training().algorithm().wireName(), plan.size(), spec.training().epochs(), spec.model().name().wireName(),
          spec.dataset().name().wireName(), logs);
    }
    try {
      for (PlannedWorker w : plan) {
        Path log = logs.resolve(w.worker() + ".log");
        Files.deleteIfExists(log);
        logFiles.add(log);
        Map<String, String> env = workerEnv(name, spec, w, plan.size(), port, token, planFile, options);
        env.put(WorkerEnv.CHECKPOINT_DIR, checkpoints.toString());
        processes.add(launcher.start(w, pool(spec, w.pool()), env, log, w.rank() == 0));
      }
      ProgressPrinter progress = new ProgressPrinter(out, System.console() != null, options.quiet());
      WorkerSupervisor.Outcome result = WorkerSupervisor.follow(processes, logFiles, plan, spec.training().epochs(), progress);
      List<EvaluationReport> curve = result.curve();
      EventLine done = result.done();
      String digest = done.fields().get("digest");
      List<String> workerDigests = List.of(done.fields().getOrDefault("workerDigests", "").split(","));
      if (workerDigests.size() != plan.size() || workerDigests.stream().anyMatch(d -> !d.equals(digest))) {
        throw new RunFailure("workers ended with different models: expected " + digest + ", got " + workerDigests);
      }
      AtomicFiles.write(curveFile, CurveCsv.render(curve));
      RunSummary summary = new RunSummary(name, spec.training().algorithm().wireName(), effectivePlan(spec, plan), curve, (long) done.number("rounds"),
          (long) done.number("samples"), done.number("elapsed"), done.number("virtual"), digest, workerDigests, outDir, curveFile);
      if (!options.quiet()) {
        out.println();
        out.print(status(summary, spec));
      }
      return summary;
    } finally {
      processes.forEach(p -> {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      });
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException ignored) {
        // JVM already shutting down
      }
    }
  }

  /**
   * The plan as the trainer runs it: the planner sizes weights from spec.aggregation whatever the
   * algorithm, while syncSGD averages by batch and localSGD uniformly (see AlgorithmPolicy).
   */
  static List<PlannedWorker> effectivePlan(HeteroTrainingJobSpec spec, List<PlannedWorker> plan) {
    var settings = dev.hetero.training.trainer.algo.AlgorithmPolicy.workers(spec, plan);
    long[] work = settings.stream().mapToLong(dev.hetero.training.trainer.algo.WorkerSettings::samplesPerRound).toArray();
    DeviceClass[] classes = settings.stream().map(dev.hetero.training.trainer.algo.WorkerSettings::deviceClass)
        .toArray(DeviceClass[]::new);
    double[] weights = dev.hetero.training.api.planner.AggregationWeights.of(
        dev.hetero.training.trainer.algo.AlgorithmPolicy.aggregation(spec), work, classes);
    List<PlannedWorker> out = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      PlannedWorker w = plan.get(i);
      out.add(new PlannedWorker(w.worker(), w.rank(), w.node(), w.pool(), w.deviceClass(), w.capacity(), w.batchSize(),
          settings.get(i).localSteps(), Math.round(weights[i] * 1e6) / 1e6, w.role()));
    }
    return out;
  }

  static HeteroTrainingJobSpec overrides(HeteroTrainingJobSpec spec, RunOptions options) {
    if (options.algorithm() == null && options.epochs() == null) {
      return spec;
    }
    TrainingSpec t = spec.training();
    TrainingSpec training = new TrainingSpec(options.algorithm() != null ? options.algorithm() : t.algorithm(),
        options.epochs() != null ? options.epochs() : t.epochs(), t.batch(), t.optimizer(), t.learningRate(), t.seed());
    return new HeteroTrainingJobSpec(spec.model(), spec.dataset(), training, spec.allocation(), spec.sampling(),
        spec.aggregation(), spec.pools(), spec.runPolicy(), spec.checkpoint());
  }

  static List<PlannedWorker> plan(String name, HeteroTrainingJobSpec spec) {
    boolean wantsGpu = spec.pools().stream().anyMatch(p -> p.deviceClass() == DeviceClass.GPU);
    int gpus = wantsGpu ? GpuProbe.count() : 0;
    NodeInfo node = LocalInventory.node(spec, Runtime.getRuntime().availableProcessors(), LocalInventory.physicalMemoryBytes(), gpus);
    PlanResult result = new CapacityPlanner(PlannerConfig.defaults()).plan(name, spec, List.of(node));
    if (result instanceof PlanResult.Unplaceable unplaceable) {
      throw new RunFailure("cannot place job " + name + " on this machine: " + unplaceable.summary());
    }
    return ((PlanResult.Placed) result).workers();
  }

  static Map<String, String> workerEnv(String job, HeteroTrainingJobSpec spec, PlannedWorker w, int world, int port,
      String token, Path planFile, RunOptions options) {
    Map<String, String> env = new HashMap<>();
    env.put(WorkerEnv.JOB_NAME, job);
    env.put(WorkerEnv.JOB_NAMESPACE, "local");
    env.put(WorkerEnv.WORKER_NAME, w.worker());
    env.put(WorkerEnv.RANK, String.valueOf(w.rank()));
    env.put(WorkerEnv.WORLD_SIZE, String.valueOf(world));
    env.put(WorkerEnv.POOL, w.pool());
    env.put(WorkerEnv.DEVICE_CLASS, w.deviceClass().name().toLowerCase(java.util.Locale.ROOT));
    env.put(WorkerEnv.BATCH_SIZE, String.valueOf(w.batchSize()));
    env.put(WorkerEnv.LOCAL_STEPS, String.valueOf(spec.training().algorithm() == dev.hetero.training.api.v1alpha1.Algorithm.SYNC_SGD
        ? 1 : w.localSteps()));
    env.put(WorkerEnv.AGG_WEIGHT, String.valueOf(w.weight()));
    env.put(WorkerEnv.COORDINATOR_ADDR, "127.0.0.1:" + port);
    env.put(WorkerEnv.TOKEN, token);
    env.put(WorkerEnv.PLAN_FILE, planFile.toString());
    if (options.dataDir() != null) {
      env.put(WorkerEnv.DATA_DIR, options.dataDir().toAbsolutePath().toString());
    } else if (spec.dataset().source().persistentVolumeClaim() != null) {
      throw new RunFailure("spec.dataset.source.persistentVolumeClaim needs a cluster; on one machine use path or http, "
          + "or give the directory with --data-dir");
    }
    env.put(TrainerEnv.CLOCK, options.virtualClock() ? "virtual" : "wall");
    // several workers on one machine: any free metrics port each (logged); no API server to report to
    env.put(WorkerEnv.METRICS_PORT, "0");
    env.put(dev.hetero.training.trainer.observe.KubeApiTarget.REPORT, "off");
    env.put(TrainerEnv.EVALS_PER_EPOCH, String.valueOf(options.evaluationsPerEpoch()));
    return env;
  }

  private static PoolSpec pool(HeteroTrainingJobSpec spec, String name) {
    return spec.pools().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  private static String status(RunSummary s, HeteroTrainingJobSpec spec) {
    EvaluationReport last = s.curve().get(s.curve().size() - 1);
    TrainingProgress progress = new TrainingProgress(s.rounds(), s.samples() / (double) (last.samples() / last.epoch()),
        s.samples(), last.trainLoss(), last.accuracy(), last.samplesPerSecond(), Instant.now().toString());
    return StatusBlock.render(s.jobName(), "Succeeded", s.algorithm() + " (" + s.plan().size() + " workers, " + spec.model().name().wireName()
        + " on " + spec.dataset().name().wireName() + ")", s.plan(), progress, s.wallSeconds(), s.virtualSeconds(),
        s.curveFile().toString());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
