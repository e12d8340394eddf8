package dev.hetero.training.trainer.process;

import dev.hetero.training.api.contract.ExitCodes;
import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.config.TrainerSettings;
import dev.hetero.training.trainer.coordinator.JobSetup;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DeviceProbe;
import dev.hetero.training.trainer.engine.DeviceSelection;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.engine.ProbedDevices;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.net.AscentRelay;
import dev.hetero.training.trainer.net.Frames;
import dev.hetero.training.trainer.net.RemotePerturbationLink;
import dev.hetero.training.trainer.net.WorkerClient;
import dev.hetero.training.trainer.observe.TrainerMetrics;
import dev.hetero.training.trainer.worker.AsyncSamStep;
import dev.hetero.training.trainer.worker.RoundExecutor;
import dev.hetero.training.trainer.worker.StepRule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * One worker process (the {@code worker} command), configured exactly as in a pod: typed settings
 * from the environment plus the mounted plan document, where the worker finds itself by name
 * (rank and world size come from the plan). Rank 0 also runs the coordinator; an asyncSAM helper
 * serves its partner's perturbations instead of training ({@link HelperProcess}).
 */
public final class WorkerProcess {
  private final TrainerSettings settings;
  private final PrintStream events;
  private final PrintStream log;
  private final Clock clock;

  public WorkerProcess(TrainerSettings settings, PrintStream events, PrintStream log, Clock clock) {
    this.settings = settings;
    this.events = events;
    this.log = log;
    this.clock = clock;
  }

  /** Runs this worker to its end; returns the process's exit code ({@link ExitCodes}). */
  public int run() throws IOException {
    Instant startedAt = clock.instant();
    PlanDocument plan = readPlan(settings.planFile());
    PlannedWorker me = self(plan, settings.workerName());
    HeteroTrainingJobSpec spec = JobSetup.spec(plan);
    DjlRuntime.configure(settings.djl());
    // The device first: a GPU worker with nothing to train on fails before loading any data.
    DeviceSelection.Choice choice = chooseDevice(spec, me);
    if (choice instanceof DeviceSelection.NoDevice none) {
      log.println("error: " + none.message());
      return ExitCodes.NO_DEVICE;
    }
    DeviceSelection.Train device = (DeviceSelection.Train) choice;
    if (device.note() != null) {
      log.println((device.fellBack() ? "device fallback: " : "device: ") + device.note());
    }
    log.println("device: worker " + me.worker() + " trains on " + device.device()
        + (device.fellBack() ? " (fell back from gpu)" : ""));
    DatasetName dataset = spec.dataset().name();
    TrainTestData data = DatasetLoader.load(dataset, spec.dataset().source(), settings.dataDir());
    try (LocalTrainer trainer = new LocalTrainer(spec.model().name(), dataset, OptimizerSettings.of(spec.training().optimizer()),
        spec.training().seed(), device.device());
        TrainerMetrics metrics = new TrainerMetrics(settings.jobName(), settings.workerName())) {
      metrics.deviceFallback(device.fellBack());
      if (settings.metricsPort() != null) {
        log.println("metrics: serving /metrics on port " + metrics.serve(settings.metricsPort()));
      }
      BatchAssembler train = new BatchAssembler(data.train(), Normalization.of(dataset), dataset == DatasetName.CIFAR10);
      boolean wall = settings.clock() == TrainerSettings.ClockMode.WALL;
      var t = settings.timeouts();
      int modelSize = trainer.layout().totalSize();
      if (me.helper()) {
        new HelperProcess(settings, log).run(plan, me, spec, trainer, train, metrics, wall);
        return ExitCodes.SUCCEEDED;
      }
      AscentRelay relay = me.rank() == 0 ? HelperProcess.relay(plan, modelSize, t.poll(), metrics, log) : null;
      StepRule rule = StepRule.forWorker(me, spec.training().optimizer(), trainer.layout().bufferMask(),
          () -> relay != null ? relay.mailbox(0) : new RemotePerturbationLink(settings.coordinator(), settings.token(), me.rank(),
              t.poll(), t.connect(), metrics, log), AsyncSamStep.restartSafeFirstStep(clock), log);
      RoundExecutor executor = new RoundExecutor(me.rank(), trainer, train, rule, wall, log);
      executor.observer((command, result, seconds) -> metrics.round(result.indices().length / command.batch(),
          result.indices().length, result.computeSeconds(), seconds, meanLoss(result.losses()), result.ascent()));
      try {
        if (me.rank() != 0) {
          // no SIGTERM handler here: a worker holds nothing the coordinator's checkpoint lacks, so it exits at once (143)
          WorkerClient.Ending ending = WorkerClient.serve(settings.coordinator(), settings.token(), new Frames.Hello(me.worker(),
              modelSize, false), executor, t.connect(), t.poll(), t.roundDeadline(), metrics, log);
          return ending == WorkerClient.Ending.STOPPED_ON_REQUEST ? ExitCodes.STOPPED_AFTER_CHECKPOINT : ExitCodes.SUCCEEDED;
        }
        return new CoordinatorProcess(settings, events, log, clock).run(plan, data, trainer, executor, metrics, startedAt, relay);
      } finally {
        rule.close();
      }
    }
  }

  /** The device this worker trains on; the CUDA probe runs only for a GPU worker (loading the engine costs a second). */
  private DeviceSelection.Choice chooseDevice(HeteroTrainingJobSpec spec, PlannedWorker me) {
    int gpus = spec.pools().stream().filter(p -> p.name().equals(me.pool()) && p.gpusPerWorker() != null).findFirst()
        .map(p -> p.gpusPerWorker()).orElse(1);
    ProbedDevices found = me.deviceClass() == DeviceClass.GPU ? DeviceProbe.probe(settings.djl()) : null;
    return DeviceSelection.choose(me.worker(), me.pool(), me.deviceClass(), gpus, me.deviceFallbackOrNone(), found);
  }

  /** This worker's plan entry, found by its name (HTJ_WORKER_NAME). */
  static PlannedWorker self(PlanDocument plan, String name) {
    return plan.worker(name).orElseThrow(() -> new IllegalArgumentException(WorkerEnv.WORKER_NAME + "=" + name
        + " is not in plan version " + plan.planVersion() + " of job " + plan.jobName() + " (its workers: "
        + plan.workers().stream().map(PlannedWorker::worker).collect(Collectors.joining(", ")) + ")"));
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

  private static double meanLoss(float[] losses) {
    double sum = 0;
    for (float l : losses) {
      sum += l;
    }
    return losses.length == 0 ? Double.NaN : sum / losses.length;
  }
}
