package dev.hetero.training.trainer.coordinator;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.algo.ShardPlanner;
import dev.hetero.training.trainer.algo.VirtualClock;
import dev.hetero.training.trainer.engine.Evaluation;
import dev.hetero.training.trainer.round.AscentStats;
import dev.hetero.training.trainer.round.ModelDigest;
import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerHandle;
import dev.hetero.training.trainer.round.WorkerState;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Rank 0's round loop, identical for the three algorithms. Each round is a short list of named
 * steps over the {@link RunState}: pick up a re-plan (and rebalance it, {@link Rebalancing}), plan the shards when a shuffle period
 * begins, dispatch every worker the average and its samples, collect the models, aggregate them
 * with the plan's weights renormalised over the workers that made the round, evaluate after every
 * epoch fraction, checkpoint every N rounds and at the end. The sample budget is counted globally:
 * the run stops once the workers together processed epochs x N samples, or earlier on a
 * {@link StopRequest}, after checkpointing the last round.
 *
 * <p>A worker whose handle answers null missed the round (late, dead or not connected): it is
 * left out of the average, its samples are not counted, and it gets the current model with the
 * next round's command. Every worker's work comes from its plan entry as it is; nothing is
 * derived here. Workers hand in their optimizer state at checkpoint rounds and when stopped on
 * request; the first round after a resume hands each its saved state back.
 */
public final class Coordinator {
  private final CoordinatorConfig config;
  /** By rank of the running plan; regrouped when a plan version changes the workers. */
  private final WorkerCrew workers;
  private final ModelEvaluator evaluator;
  private final TrainingListener listener;
  private Checkpoints checkpoints;
  private int checkpointEvery = Integer.MAX_VALUE;
  private PlanSource planSource = PlanSource.NONE;
  private StopRequest stop = StopRequest.never();
  private PrintStream log = System.err;

  public Coordinator(CoordinatorConfig config, List<WorkerHandle> workers, ModelEvaluator evaluator,
      TrainingListener listener) {
    if (workers.size() != config.plan().size()) {
      throw new IllegalArgumentException(workers.size() + " worker handles for " + config.plan().size() + " planned workers");
    }
    this.config = config;
    this.workers = new WorkerCrew(workers.stream().sorted((a, b) -> Integer.compare(a.rank(), b.rank())).toList());
    this.evaluator = evaluator;
    this.listener = listener;
  }

  /** Saves the run state every {@code everyRounds} rounds and at the end, and resumes from the newest one. */
  public Coordinator checkpoints(Checkpoints store, int everyRounds) {
    this.checkpoints = store;
    this.checkpointEvery = Math.max(1, everyRounds);
    return this;
  }

  /** A live re-plan is picked up from here at round boundaries. */
  public Coordinator planSource(PlanSource source) {
    this.planSource = source;
    return this;
  }

  /**
   * Workers may join and leave with a new plan version (rank 0 stays): joining workers get their
   * handles here, leaving ones are told to finish; with {@link Roster#FIXED} such a plan is ignored.
   */
  public Coordinator roster(Roster roster) {
    workers.roster(roster);
    return this;
  }

  /** Once requested, the run ends at the next round boundary with a checkpoint of that round. */
  public Coordinator stopRequest(StopRequest request) {
    this.stop = request;
    return this;
  }

  public Coordinator log(PrintStream log) {
    this.log = log;
    workers.log(log);
    return this;
  }

  /** A fresh start or a resume, then the whole run. */
  public RunOutcome run(float[] initialModel) throws IOException {
    return run(start(initialModel));
  }

  /**
   * Where this run starts: the newest checkpoint of this job, or round 0 from the initial model.
   * The listener hears it at once (status at start-up, before any worker has connected), and each
   * remote worker's handle learns the state to hand it should it come back as a new process.
   */
  public RunState start(float[] initialModel) throws IOException {
    Optional<RunState> saved = Resumption.saved(checkpoints, config, workers.size(), log);
    RunState state = saved.orElseGet(() -> RunState.start(config.identity(), config.plan().version(), initialModel,
        evaluationEvery(), workers.size()));
    rememberStates(state);
    listener.onStart(new RunStart(state.round(), state.samples(), epoch(state), saved.isPresent() ? state.round() : null,
        state.evaluations().lastAccuracy()));
    return state;
  }

  public RunOutcome run(RunState start) throws IOException {
    RunningPlan plan = config.plan();
    RunState state = start;
    WorkerTracker tracker = new WorkerTracker(plan.workers(), plan.helpers());
    Rebalancing rebalancing = new Rebalancing(config);
    RoundTiming timing = new RoundTiming();
    List<EvaluationReport> curve = new ArrayList<>();
    long t0 = System.nanoTime();
    double elapsedBefore = state.elapsedSeconds();
    if (state.samples() >= budget()) {
      // a terminal state sticks: a coordinator restarted after the end does not train again
      log.println("coordinator: the checkpoint of round " + state.round() + " already covers the budget; nothing to train");
      return outcome(state, curve, List.of(), RunOutcome.Ending.ALREADY_COMPLETE, state.round(), null);
    }
    // a resume under a newer plan than the checkpoint's starts a new shuffle period, like a re-plan
    boolean replanned = state.planVersion() >= 0 && state.planVersion() != plan.version();
    boolean firstRound = true;
    while (state.samples() < budget() && !stop.requested()) {
      long roundStart = System.nanoTime();
      RunningPlan picked = plan.next(planSource.poll(), workers.elastic(), log);
      if (!picked.sameWorkers(plan)) {
        Membership change = Membership.between(plan, picked);
        workers.regroup(state, picked, change, config.includeBuffers());
        state = state.regrouped(change);
        tracker = tracker.regrouped(picked, change);
        rebalancing.regroup(change);
        listener.onMembership(state.round(), picked.version(), change, picked.size());
      }
      RunningPlan next = rebalancing.next(picked, log);
      state = planShards(state, next, replanned || next != plan);
      replanned = false;
      plan = next;
      double lr = config.schedule().rateAt(state.samples() / (double) budget());
      dispatch(state, plan, lr, firstRound);
      firstRound = false;
      long posted = System.nanoTime();
      RoundResult[] results = workers.collect(stop::roundCutoffNanos, rebalancing.leaveOut(state.round()),
          rebalancing.stragglerFactor(), state.round(), listener);
      long collected = System.nanoTime();
      RoundAggregation.Aggregate round = RoundAggregation.of(config, state, plan, results, tracker);
      workers.firstContributions(plan, results, state.round(), listener);
      rebalancing.observe(plan, round, tracker);
      double roundSeconds = (System.nanoTime() - roundStart) / 1e9;
      timing.add(roundSeconds, round.slowestCompute(), (posted - roundStart) / 1e9, (System.nanoTime() - collected) / 1e9);
      state = state.afterRound(plan.version(), round.model(), round.samples(), round.lossSum(),
          elapsedBefore + (System.nanoTime() - t0) / 1e9,
          state.virtualSeconds() + VirtualClock.roundSeconds(round.compute(), plan.slowdowns(), round.waits(),
              config.communicationSeconds()))
          .withWorkerStates(round.states());
      report(state, lr, round, tracker, round.slowestCompute() / roundSeconds);
      state = evaluateIfDue(state, lr, curve);
      checkpointIfDue(state);
    }
    if (timing.rounds() > 0) {
      log.println("coordinator: " + timing.summary());
    }
    if (state.samples() < budget()) {
      return stopOnRequest(state, plan.version(), tracker, curve);
    }
    List<String> digests = finishAll(state, plan.version());
    tracker.done();
    listener.onWorkers(tracker.statuses());
    return outcome(state, curve, digests, RunOutcome.Ending.COMPLETED, checkpoints == null ? null : state.round(),
        tracker.ascentTotals());
  }

  private RunOutcome outcome(RunState state, List<EvaluationReport> curve, List<String> digests, RunOutcome.Ending ending,
      Long checkpointRound, AscentStats ascent) {
    return new RunOutcome(List.copyOf(curve), state.round(), state.samples(), state.elapsedSeconds(), state.virtualSeconds(),
        state.model(), digests, ModelDigest.hex(ModelDigest.of(state.model(), RoundAggregation.digestMask(config))), ending,
        checkpointRound, state.evaluations().lastAccuracy(), ascent);
  }

  private long budget() {
    return (long) config.epochs() * config.datasetSize();
  }

  private double evaluationEvery() {
    return config.datasetSize() / (double) Math.max(1, config.evaluationsPerEpoch());
  }

  /**
   * Step 2: at a shuffle-period boundary (or after a re-plan) merge the buffered losses into the
   * scores and split a fresh period's samples into one disjoint shard per worker.
   */
  private RunState planShards(RunState state, RunningPlan plan, boolean replanned) {
    long[] perRound = plan.samplesPerRound();
    int length = ShardPlanner.roundsPerPeriod(config.datasetSize(), perRound);
    if (!replanned && state.period().serves(state.round(), perRound, length)) {
      return state;
    }
    state.scores().mergePending(config.scoreMerge());
    long[] demand = new long[perRound.length];
    for (int i = 0; i < perRound.length; i++) {
      demand[i] = perRound[i] * length;
    }
    long index = state.period().index() + 1;
    int[][] shards = ShardPlanner.plan(config.datasetSize(), demand, plan.highLoss(), state.scores(), config.candidateRatio(),
        config.seed(), index);
    return state.withPeriod(new RunState.Period(index, state.round(), perRound, shards));
  }

  /**
   * Step 3: every worker gets the average, the learning rate and this round's slice of its shard,
   * with its batch; in a round that ends at a checkpoint it is asked for its optimizer state, and
   * in the first round of a resumed run it gets its saved state back.
   */
  private void dispatch(RunState state, RunningPlan plan, double lr, boolean firstRound) throws IOException {
    long inPeriod = state.round() - state.period().startRound();
    boolean stateRound = checkpoints != null && (state.round() + 1) % checkpointEvery == 0;
    for (int i = 0; i < plan.size(); i++) {
      PlannedWorker w = plan.worker(i);
      int n = (int) w.samplesPerRound();
      int from = (int) (inPeriod * n);
      int[] indices = Arrays.copyOfRange(state.period().shards()[i], from, from + n);
      RoundCommand command = RoundCommand.train(state.round(), plan.version(), lr, config.includeBuffers(),
          config.seed() * 1_000_033L + state.round(), w.batchSize(), w.slowdown(), indices, state.model(), stateRound);
      WorkerState saved = state.workerStates()[i];
      workers.get(i).start(firstRound && saved != null ? command.withRestore(saved) : command);
    }
  }

  private void report(RunState state, double lr, RoundAggregation.Aggregate round, WorkerTracker tracker, double slowestShare) {
    listener.onApplied(round.applied());
    listener.onRound(new RoundReport(state.round(), state.samples(), epoch(state), config.epochs(), lr,
        round.lossSum() / Math.max(1, round.samples()), state.elapsedSeconds(), state.virtualSeconds(), rate(state),
        slowestShare));
    listener.onWorkers(tracker.statuses());
  }

  /** Step 6: the average on the test set after every epoch fraction and at the end of the budget. */
  private RunState evaluateIfDue(RunState state, double lr, List<EvaluationReport> curve) {
    if (!state.evaluationDue(budget())) {
      return state;
    }
    Evaluation eval = evaluator.evaluate(state.model());
    EvaluationReport report = new EvaluationReport(state.round(), state.samples(), epoch(state), lr, state.trainLossSinceEval(),
        eval.loss(), eval.accuracy(), state.elapsedSeconds(), state.virtualSeconds(), rate(state));
    curve.add(report);
    listener.onEvaluation(report);
    return state.afterEvaluation(eval.accuracy(), evaluationEvery());
  }

  /** Step 7: every N rounds, and once the budget is done (so a restart after the end does not train again). */
  private void checkpointIfDue(RunState state) throws IOException {
    boolean complete = state.samples() >= budget();
    if (checkpoints != null && (state.round() % checkpointEvery == 0 || complete)) {
      save(state, complete ? "final" : "periodic");
    }
  }

  private void save(RunState state, String why) throws IOException {
    long t0 = System.nanoTime();
    Checkpoints.Saved saved = checkpoints.save(state);
    double seconds = (System.nanoTime() - t0) / 1e9;
    log.println(String.format(java.util.Locale.ROOT, "coordinator: checkpoint of round %d written (%s, %s, %d bytes, %.3f s,"
        + " optimizer state of %d of %d workers)", state.round(), why, saved.name(), saved.bytes(), seconds,
        state.savedWorkerStates(), workers.size()));
    rememberStates(state);
    listener.onCheckpoint(new CheckpointReport(state.round(), saved.name(), saved.bytes(), seconds, why,
        state.savedWorkerStates()));
  }

  /** A worker that comes back as a new process is handed its latest saved state (the server does it at pickup). */
  private void rememberStates(RunState state) {
    for (int i = 0; i < workers.size(); i++) {
      if (state.workerStates()[i] != null) {
        workers.get(i).remember(state.workerStates()[i]);
      }
    }
  }

  /**
   * Stopped on request at a round boundary: every worker loads the last average and hands in its
   * state (until the answers' cutoff), the checkpoint of that round is written with them, and the
   * workers exit. A worker that does not answer keeps its state of the last checkpoint round.
   */
  private RunOutcome stopOnRequest(RunState state, long planVersion, WorkerTracker tracker, List<EvaluationReport> curve)
      throws IOException {
    log.println("coordinator: stop requested; stopping after round " + state.round() + " (" + stop.remaining().toSeconds()
        + " s of the grace period left)");
    for (WorkerHandle w : workers.all()) {
      w.start(RoundCommand.stopOnRequest(state.round(), planVersion, config.includeBuffers(), state.model()));
    }
    RoundResult[] answers = workers.collect(stop::answersCutoffNanos, listener);
    List<WorkerState> states = RoundAggregation.statesByRank(answers);
    state = state.withWorkerStates(states);
    Long checkpointed = null;
    if (checkpoints != null) {
      save(state, "stop");
      checkpointed = state.round();
    } else {
      log.println("coordinator: no checkpoint directory: the " + state.round() + " rounds of this run are lost");
    }
    tracker.stopped();
    listener.onWorkers(tracker.statuses());
    return outcome(state, curve, List.of(), RunOutcome.Ending.STOPPED_ON_REQUEST, checkpointed, tracker.ascentTotals());
  }

  private double epoch(RunState state) {
    return state.samples() / (double) config.datasetSize();
  }

  private static double rate(RunState state) {
    return state.samples() / Math.max(1e-9, state.elapsedSeconds());
  }

  /** Every worker loads the final average; their digests show whether all ended with the same model. */
  private List<String> finishAll(RunState state, long planVersion) throws IOException {
    for (WorkerHandle w : workers.all()) {
      w.start(RoundCommand.finish(state.round(), planVersion, config.includeBuffers(), state.model()));
    }
    RoundResult[] finals = workers.collect(() -> StopRequest.NO_CUTOFF, listener);
    List<String> digests = new ArrayList<>();
    for (int i = 0; i < finals.length; i++) {
      RoundResult r = finals[i];
      if (r == null) {
        log.println("coordinator: worker rank " + i + " did not confirm the final model");
      }
      digests.add(r == null ? "missing" : ModelDigest.hex(r.loadedDigest()));
    }
    return digests;
  }
}
