package dev.hetero.training.trainer.observe;

import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.trainer.coordinator.AppliedRound;
import dev.hetero.training.trainer.coordinator.CheckpointReport;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.Membership;
import dev.hetero.training.trainer.coordinator.RoundReport;
import dev.hetero.training.trainer.coordinator.RunStart;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rank 0's progress as event lines on stdout (the local runner follows them; in a pod they are
 * the log): every evaluation, a round at most once per {@code roundsEvery} of the clock so a fast
 * run does not flood its log, and the work applied (weights, steps, batches) whenever it differs
 * from the round before (the first round, a re-plan, a worker missing or back), where the run
 * starts, every checkpoint, and a worker turning Straggler (once, until it is back to Training).
 */
public final class EventPrinter implements TrainingListener {
  private final PrintStream events;
  private final Duration roundsEvery;
  private final Clock clock;
  private long lastRoundMillis = Long.MIN_VALUE;
  private String lastApplied;
  private final Set<String> stragglers = new HashSet<>();

  public EventPrinter(PrintStream events, Duration roundsEvery, Clock clock) {
    this.events = events;
    this.roundsEvery = roundsEvery;
    this.clock = clock;
  }

  @Override
  public void onApplied(AppliedRound applied) {
    String line = EventLine.format(applied);
    String work = line.substring(line.indexOf(" plan="));
    if (!work.equals(lastApplied)) {
      lastApplied = work;
      events.println(line);
    }
  }

  @Override
  public void onRound(RoundReport report) {
    long now = clock.millis();
    if (lastRoundMillis == Long.MIN_VALUE || now - lastRoundMillis >= roundsEvery.toMillis()) {
      lastRoundMillis = now;
      events.println(EventLine.format(report));
    }
  }

  @Override
  public void onEvaluation(EvaluationReport report) {
    events.println(EventLine.format(report));
  }

  @Override
  public void onMembership(long round, long planVersion, Membership change, int workers) {
    events.println(EventLine.format("members", "round", round, "plan", planVersion, "workers", workers,
        "joined", String.join(",", change.joined()), "left", String.join(",", change.left())));
  }

  @Override
  public void onFirstContribution(String worker, long joinedRound, long round) {
    events.println(EventLine.format("contributed", "worker", worker, "joinedRound", joinedRound, "round", round));
  }

  @Override
  public void onStart(RunStart start) {
    events.println(EventLine.format("start", "round", start.round(), "samples", start.samples(),
        "resumedFrom", start.resumedFromRound() == null ? "none" : start.resumedFromRound(), "accuracy", start.lastAccuracy()));
  }

  @Override
  public void onCheckpoint(CheckpointReport c) {
    events.println(EventLine.format("checkpoint", "round", c.round(), "why", c.why(), "file", c.file(), "bytes", c.bytes(),
        "seconds", c.seconds(), "workerStates", c.workerStates()));
  }

  @Override
  public void onWorkers(List<WorkerStatus> workers) {
    for (WorkerStatus w : workers) {
      if ("Straggler".equals(w.phase()) && stragglers.add(w.name())) {
        events.println(EventLine.format("straggler", "worker", w.name(), "round", w.lastRound(), "batch", w.batchSize(),
            "localSteps", w.localSteps(), "stepSeconds", w.stepSeconds()));
      } else if ("Training".equals(w.phase())) {
        stragglers.remove(w.name());
      }
    }
  }
}
