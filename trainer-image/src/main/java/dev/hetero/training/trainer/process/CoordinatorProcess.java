package dev.hetero.training.trainer.process;

import dev.hetero.training.api.contract.ExitCodes;
import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.trainer.checkpoint.CheckpointStore;
import dev.hetero.training.trainer.config.StatusReportSettings;
import dev.hetero.training.trainer.config.TrainerSettings;
import dev.hetero.training.trainer.coordinator.CommunicationCost;
import dev.hetero.training.trainer.coordinator.Coordinator;
import dev.hetero.training.trainer.coordinator.CoordinatorConfig;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.JobSetup;
import dev.hetero.training.trainer.coordinator.ModelEvaluator;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.RunState;
import dev.hetero.training.trainer.coordinator.StopRequest;
import dev.hetero.training.trainer.coordinator.RunningPlan;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.net.AscentRelay;
import dev.hetero.training.trainer.net.CoordinatorServer;
import dev.hetero.training.trainer.observe.EventLine;
import dev.hetero.training.trainer.observe.EventPrinter;
import dev.hetero.training.trainer.observe.KubeApiTarget;
import dev.hetero.training.trainer.observe.StatusListener;
import dev.hetero.training.trainer.observe.StatusReporter;
import dev.hetero.training.trainer.observe.TrainerMetrics;
import dev.hetero.training.trainer.round.InProcessWorker;
import dev.hetero.training.trainer.round.WorkerHandle;
import dev.hetero.training.trainer.worker.RoundExecutor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rank 0's wiring: the gRPC server the other ranks poll, the coordinator's round loop with rank
 * 0's own worker in-process, checkpoints, the plan watcher, status reports, event lines, and
 * SIGTERM: a stop request that ends the run at a round boundary with a checkpoint, within the
 * pod's grace period, and the exit code that says so ({@link ExitCodes#STOPPED_AFTER_CHECKPOINT}).
 */
final class CoordinatorProcess {
  /** Checkpoint interval when neither the spec nor HTJ_CHECKPOINT_EVERY_ROUNDS says. */
  static final int DEFAULT_CHECKPOINT_EVERY = 50;

  private final TrainerSettings settings;
  private final PrintStream events;
  private final PrintStream log;
  private final Clock clock;

  CoordinatorProcess(TrainerSettings settings, PrintStream events, PrintStream log, Clock clock) {
    this.settings = settings;
    this.events = events;
    this.log = log;
    this.clock = clock;
  }

  /**
   * @param startedAt when this process started (status.training.coordinatorStartedAt)
   * @param relay the asyncSAM pairs' relay, served on the same port (null when the plan has no pairs)
   * @return the process's exit code ({@link ExitCodes})
   */
  int run(PlanDocument plan, TrainTestData data, LocalTrainer trainer, RoundExecutor executor, TrainerMetrics metrics,
      Instant startedAt, AscentRelay relay) throws IOException {
    StopRequest stop = StopRequest.within(settings.terminationGrace());
    try (TerminationSignal sigterm = TerminationSignal.onTerm(stop::request, log)) {
      return run(plan, data, trainer, executor, metrics, startedAt, relay, stop);
    }
  }

  private int run(PlanDocument plan, TrainTestData data, LocalTrainer trainer, RoundExecutor executor, TrainerMetrics metrics,
      Instant startedAt, AscentRelay relay, StopRequest stop) throws IOException {
    int modelSize = trainer.layout().totalSize();
    int world = RunningPlan.of(plan).size(); // the training workers: helpers take no part in rounds
    HeteroTrainingJobSpec spec = JobSetup.spec(plan);
    double comm = settings.communicationSeconds() != null ? settings.communicationSeconds()
        : CommunicationCost.perRound(modelSize, world);
    CoordinatorConfig config = JobSetup.coordinatorConfig(plan, data.train().size(), trainer.layout().bufferMask(), comm, null,
        settings.evaluationsPerEpoch());
    BatchAssembler test = new BatchAssembler(data.test(), Normalization.of(spec.dataset().name()), false);
    StatusReporter status = statusReporter(settings.statusReport());
    TrainerSettings.Timeouts timeouts = settings.timeouts();
    List<WorkerHandle> handles = new ArrayList<>();
    handles.add(new InProcessWorker(executor));
    try (CoordinatorServer server = new CoordinatorServer(bindAddress(settings.coordinator()),
        settings.token().getBytes(StandardCharsets.UTF_8), modelSize, timeouts.poll(), metrics, log,
        relay == null ? List.of() : List.of(relay.service()))) {
      events.println(EventLine.format("listening", "port", server.port(), "workers", world));
      RunningPlan.of(plan).workers().stream().filter(w -> w.rank() != 0)
          .forEach(w -> handles.add(server.remoteWorker(w.worker(), w.rank(), timeouts.pickup(), timeouts.roundDeadline())));
      List<TrainingListener> listeners = new ArrayList<>(List.of(new EventPrinter(events, settings.roundEventsEvery(), clock),
          metricsListener(metrics)));
      if (status != null) {
        listeners.add(new StatusListener(status, clock, startedAt));
      }
      ModelEvaluator evaluator = model -> {
        trainer.loadModel(model, true);
        return trainer.evaluate(test);
      };
      Coordinator coordinator = new Coordinator(config, handles, evaluator, TrainingListener.all(listeners)).log(log)
          .planSource(new PlanWatcher(settings.planFile(), plan.planVersion(), settings.planPollInterval(), clock, log))
          .stopRequest(stop)
          // workers join (a grown pool) and leave (a lost node) with a new plan version; nobody restarts
          .roster(worker -> {
            var joined = server.remoteWorker(worker.worker(), worker.rank(), timeouts.pickup(), timeouts.roundDeadline());
            handles.add(joined);
            return joined;
          });
      if (settings.checkpointDir() != null) {
        coordinator.checkpoints(new CheckpointStore(settings.checkpointDir(), 2, log), checkpointEvery(spec));
      }
      RunState start = coordinator.start(trainer.readModel());
      if (status != null) {
        // before waiting for the workers: status shows at once that earlier rounds past the checkpoint are void
        status.flush(Duration.ofSeconds(5));
      }
      if (start.samples() < (long) config.epochs() * config.datasetSize()) {
        awaitWorkers(server, world, stop); // not for a run its checkpoint shows complete: its workers are gone
        if (relay != null && !relay.awaitHelpers(settings.timeouts().connect())) {
          log.println("coordinator: not every asyncSAM helper connected within " + settings.timeouts().connect().toSeconds()
              + " s; their partners run plain SGD steps until they deliver");
        }
      }
      events.println(EventLine.format("started", "workers", handles.size(), "modelValues", modelSize,
          "bufferValues", trainer.layout().bufferValues()));
      RunOutcome outcome = coordinator.run(start);
      if (relay != null) {
        relay.finish(Duration.ofSeconds(10));
      }
      log.println("coordinator: data plane " + metrics.bytesSent() + " bytes sent, " + metrics.bytesReceived()
          + " bytes received over " + outcome.rounds() + " rounds (this run's rounds, final exchange included)");
      if (status != null) {
        status.flush(stop.requested() ? min(Duration.ofSeconds(15), stop.remaining().minusSeconds(1)) : Duration.ofSeconds(15));
      }
      return finish(outcome);
    } finally {
      handles.forEach(WorkerHandle::close);
      if (status != null) {
        status.close();
      }
    }
  }

  /** Every remote rank polled once, the connect time is up, or a stop came first. */
  private void awaitWorkers(CoordinatorServer server, int world, StopRequest stop) {
    TrainerSettings.Timeouts timeouts = settings.timeouts();
    var joined = server.awaitJoined(timeouts.connect(), stop::requested);
    if (joined.size() < world - 1 && !stop.requested()) {
      log.println("coordinator: only ranks " + joined + " connected within " + timeouts.connect().toSeconds()
          + " s; starting without the others (they join when they come)");
    }
  }

  /** The final event line and the exit code: 0 when the run is complete, 75 when stopped after a checkpoint. */
  private int finish(RunOutcome outcome) {
    if (outcome.ending() == RunOutcome.Ending.STOPPED_ON_REQUEST) {
      boolean saved = outcome.lastCheckpointRound() != null;
      int code = saved ? ExitCodes.STOPPED_AFTER_CHECKPOINT : ExitCodes.TERMINATED;
      log.println("coordinator: stopped on request " + (saved ? "after checkpointing round " + outcome.lastCheckpointRound()
          : "without a checkpoint (no checkpoint directory)") + "; exit code " + code);
      events.println(EventLine.format("stopped", "round", outcome.rounds(), "samples", outcome.samples(),
          "checkpoint", saved ? outcome.lastCheckpointRound() : "none", "exitCode", code));
      return code;
    }
    events.println(EventLine.format("done", "rounds", outcome.rounds(), "samples", outcome.samples(),
        "elapsed", outcome.elapsedSeconds(), "virtual", outcome.virtualSeconds(), "accuracy", outcome.lastAccuracy(),
        "digest", outcome.expectedDigest(), "workerDigests", String.join(",", outcome.finalDigests()))
        + EventLine.ascentFields(outcome.ascent()));
    return ExitCodes.SUCCEEDED;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b.isNegative() ? Duration.ZERO : b;
  }

  private StatusReporter statusReporter(StatusReportSettings s) {
    if (s == null) {
      return null;
    }
    log.println("status: reporting to " + s.apiUrl() + " for " + settings.namespace() + "/" + settings.jobName());
    return new StatusReporter(new KubeApiTarget(s.apiUrl(), s.tokenFile(), s.caFile()), settings.namespace(),
        settings.jobName(), s.interval(), Duration.ofMillis(500), clock, log).start();
  }

  private int checkpointEvery(HeteroTrainingJobSpec spec) {
    if (settings.checkpointEveryRounds() != null) {
      return settings.checkpointEveryRounds();
    }
    return spec.checkpoint() != null && spec.checkpoint().everyRounds() != null ? spec.checkpoint().everyRounds()
        : DEFAULT_CHECKPOINT_EVERY;
  }

  private static TrainingListener metricsListener(TrainerMetrics metrics) {
    return new TrainingListener() {
      @Override
      public void onEvaluation(EvaluationReport report) {
        metrics.accuracy(report.accuracy());
      }

      @Override
      public void onAggregationWait(double seconds) {
        metrics.aggregationWait(seconds);
      }
    };
  }

  /** Loopback when the coordinator address is loopback (the local runner), every interface otherwise (a pod). */
  static InetSocketAddress bindAddress(InetSocketAddress coordinator) {
    String host = coordinator.getHostString();
    if (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), coordinator.getPort());
    }
    return new InetSocketAddress(coordinator.getPort());
  }
}
