package dev.hetero.training.trainer.runner;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEndpoints;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.contract.WorkerEnvironment;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.NodeInfo;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.v1alpha1.DatasetSource;
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
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.config.TrainerEnv;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.engine.DeviceProbe;
import dev.hetero.training.trainer.observe.EventLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-machine runner: reads the job YAML with the CRD's rules, plans workers on a synthetic
 * "localhost" node with the operator's planner, writes the plan document a pod would mount,
 * starts one process per worker with a pod's environment ({@link WorkerEnvironment}, the same
 * builder the operator uses, plus the token and the runner's own knobs), follows rank 0's
 * progress, and writes the training curve. Any failure stops every worker and leaves no
 * half-written output.
 */
public final class LocalRunner {
  /** The namespace a local run reports in its plan and status. */
  static final String NAMESPACE = "local";

  private final PrintStream out;
  private final RunnerEnvironment machine;

  public LocalRunner(PrintStream out, RunnerEnvironment machine) {
    this.out = out;
    this.machine = machine;
  }

  public RunSummary run(RunOptions options) throws IOException {
    HeteroTrainingJob job = JobManifests.read(options.manifest());
    String name = job.getMetadata().getName();
    HeteroTrainingJobSpec spec = overrides(SpecDefaults.apply(job.getSpec()), options);
    List<String> problems = SpecValidator.validate(spec);
    if (!problems.isEmpty()) {
      throw new RunFailure(options.manifest() + " with the command-line overrides: " + String.join("; ", problems));
    }
    int gpus = gpus(spec, machine);
    PlanDocument plan = new PlanDocument(name, NAMESPACE, 1, spec, plan(name, spec, gpus));
    Map<String, String> visibleDevices = LocalInventory.visibleDevices(spec, plan.workers(), gpus);
    Path outDir = (options.outputDir() != null ? options.outputDir() : Path.of("runs", name)).toAbsolutePath();
    Path logs = outDir.resolve("logs");
    Files.createDirectories(logs);
    Path planFile = outDir.resolve("plan.json");
    AtomicFiles.write(planFile, PlanCodec.toJson(plan));
    Path curveFile = outDir.resolve("curve.csv");
    Files.deleteIfExists(curveFile);
    // A local run always starts fresh: checkpoints of an earlier run of the same job are removed.
    WorkerEndpoints endpoints = endpoints(machine, spec, options, outDir, freePort());
    deleteTree(Path.of(endpoints.checkpointDir()));
    Files.createDirectories(Path.of(endpoints.tmpDir()));
    String token = newToken();
    WorkerLauncher launcher = new WorkerLauncher(machine.classpath(), machine.workerMainClass());
    List<Process> processes = new ArrayList<>();
    List<Path> logFiles = new ArrayList<>();
    Thread killer = new Thread(() -> processes.forEach(Process::destroyForcibly));
    Runtime.getRuntime().addShutdownHook(killer);
    if (!options.quiet()) {
      out.printf("job %s: %s with %d workers, %d epochs of %s on %s; logs in %s%n", name,
          spec.training().algorithm().wireName(), plan.worldSize(), spec.training().epochs(), spec.model().name().wireName(),
          spec.dataset().name().wireName(), logs);
    }
    try {
      for (PlannedWorker w : plan.workers()) {
        Path log = logs.resolve(w.worker() + ".log");
        Files.deleteIfExists(log);
        logFiles.add(log);
        Map<String, String> env = new LinkedHashMap<>(workerEnvironment(plan, w, endpoints, threads(spec, w), token, options));
        // As a device plugin would: each GPU worker sees only its own devices (numbered from 0), CPU workers none.
        env.put(DjlSettings.CUDA_VISIBLE_DEVICES, visibleDevices.get(w.worker()));
        processes.add(launcher.start(env, log, w.rank() == 0));
      }
      ProgressPrinter progress = new ProgressPrinter(out, System.console() != null, options.quiet());
      WorkerSupervisor.Outcome result = WorkerSupervisor.follow(processes, logFiles, plan.workers(), spec.training().epochs(),
          progress);
      List<EvaluationReport> curve = result.curve();
      EventLine done = result.done();
      String digest = done.fields().get("digest");
      List<String> workerDigests = List.of(done.fields().getOrDefault("workerDigests", "").split(","));
      long training = plan.workers().stream().filter(w -> !w.helper()).count(); // asyncSAM helpers hold no model of the run
      if (workerDigests.size() != training || workerDigests.stream().anyMatch(d -> !d.equals(digest))) {
        throw new RunFailure("workers ended with different models: expected " + digest + ", got " + workerDigests);
      }
      AtomicFiles.write(curveFile, CurveCsv.render(curve));
      RunSummary summary = new RunSummary(name, spec.training().algorithm().wireName(), plan.workers(), result.applied(), curve,
          (long) done.number("rounds"), (long) done.number("samples"), done.number("elapsed"), done.number("virtual"), digest,
          workerDigests, outDir, curveFile, EventLine.toAscent(done));
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
   * A worker process's whole environment: the pod's ({@link WorkerEnvironment#of}), the token's
   * value (a pod gets it from the job's Secret), and the runner-only knobs of {@link #runnerKnobs}.
   */
  static Map<String, String> workerEnvironment(PlanDocument plan, PlannedWorker worker, WorkerEndpoints endpoints, int threads,
      String token, RunOptions options) {
    Map<String, String> env = new LinkedHashMap<>(WorkerEnvironment.of(plan, worker, endpoints, threads));
    env.put(WorkerEnv.TOKEN, token);
    env.putAll(runnerKnobs(options));
    return env;
  }

  /** What only the local runner sets: the clock mode, evaluations per epoch, and no status report (no API server). */
  static Map<String, String> runnerKnobs(RunOptions options) {
    Map<String, String> knobs = new LinkedHashMap<>();
    knobs.put(TrainerEnv.CLOCK, options.virtualClock() ? "virtual" : "wall");
    knobs.put(TrainerEnv.EVALS_PER_EPOCH, String.valueOf(options.evaluationsPerEpoch()));
    knobs.put(TrainerEnv.STATUS_REPORT, "off");
    return knobs;
  }

  /**
   * Where the workers of a local run find each other and their files: rank 0 on loopback, the plan,
   * checkpoints and a temporary directory (also the workers' HOME) under the output directory,
   * this machine's DJL cache, metrics on any free port.
   */
  static WorkerEndpoints endpoints(RunnerEnvironment machine, HeteroTrainingJobSpec spec, RunOptions options, Path outDir,
      int coordinatorPort) {
    return new WorkerEndpoints("127.0.0.1:" + coordinatorPort, outDir.resolve("plan.json").toString(),
        outDir.resolve("checkpoints").toString(), dataDir(spec, options, machine.userHome()).toString(),
        machine.djl().cacheDirOrDefault(machine.userHome()).toString(), outDir.resolve("tmp").toString(), "0");
  }

  /** Whole cores of the worker's pool: its intra-op threads. */
  static int threads(HeteroTrainingJobSpec spec, PlannedWorker worker) {
    PoolSpec pool = spec.pools().stream().filter(p -> p.name().equals(worker.pool())).findFirst().orElseThrow();
    return pool.cpusPerWorker() == null ? 1 : Math.max(1, pool.cpusPerWorker());
  }

  /** Where the workers read the data set: --data-dir, the source's path, or the http download cache. */
  static Path dataDir(HeteroTrainingJobSpec spec, RunOptions options, Path userHome) {
    DatasetSource source = spec.dataset().source();
    if (options.dataDir() != null) {
      return options.dataDir().toAbsolutePath();
    }
    if (source.http() != null) {
      return DatasetLoader.defaultCache(userHome);
    }
    if (source.path() != null) {
      return Path.of(source.path()).toAbsolutePath();
    }
    throw new RunFailure("spec.dataset.source.persistentVolumeClaim needs a cluster; on one machine use path or http, "
        + "or give the directory with --data-dir");
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

  static List<PlannedWorker> plan(String name, HeteroTrainingJobSpec spec, RunnerEnvironment machine) {
    return plan(name, spec, gpus(spec, machine));
  }

  /** CUDA devices of this machine, probed only when a pool asks for GPUs (starting the engine costs a second). */
  static int gpus(HeteroTrainingJobSpec spec, RunnerEnvironment machine) {
    boolean wantsGpu = spec.pools().stream().anyMatch(p -> p.deviceClass() == DeviceClass.GPU);
    return wantsGpu ? DeviceProbe.probe(machine.djl()).cudaDevices() : 0;
  }

  static List<PlannedWorker> plan(String name, HeteroTrainingJobSpec spec, int gpus) {
    NodeInfo node = LocalInventory.node(spec, Runtime.getRuntime().availableProcessors(), LocalInventory.physicalMemoryBytes(), gpus);
    PlanResult result = new CapacityPlanner(PlannerConfig.defaults()).plan(name, spec, List.of(node));
    if (result instanceof PlanResult.Unplaceable unplaceable) {
      throw new RunFailure("cannot place job " + name + " on this machine: " + unplaceable.summary());
    }
    return ((PlanResult.Placed) result).workers();
  }

  private String status(RunSummary s, HeteroTrainingJobSpec spec) {
    EvaluationReport last = s.curve().get(s.curve().size() - 1);
    TrainingProgress progress = TrainingProgress.of(s.rounds(), s.samples() / (double) (last.samples() / last.epoch()),
        s.samples(), last.trainLoss(), last.accuracy(), last.samplesPerSecond(), machine.clock().instant().toString(), null);
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
