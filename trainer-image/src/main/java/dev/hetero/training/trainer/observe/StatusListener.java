package dev.hetero.training.trainer.observe;

import dev.hetero.training.api.v1alpha1.TrainingProgress;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import dev.hetero.training.trainer.coordinator.CheckpointReport;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.RoundReport;
import dev.hetero.training.trainer.coordinator.RunStart;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Feeds the coordinator's progress to the status reporter as status.training and status.workers,
 * stamped by the clock. Every report carries this coordinator's restart markers (when it started,
 * the round it resumed from, its last checkpoint) and the accuracy of the last evaluation, which
 * survives a resume: the first report, at start-up, already has them.
 */
public final class StatusListener implements TrainingListener {
  private final StatusReporter reporter;
  private final Clock clock;
  private final String startedAt;
  private Long resumedFromRound;
  private Long lastCheckpointRound;
  private Double accuracy;
  private Double slowestShare;
  private TrainingProgress last;

  /** @param startedAt when this coordinator's process started */
  public StatusListener(StatusReporter reporter, Clock clock, Instant startedAt) {
    this.reporter = reporter;
    this.clock = clock;
    this.startedAt = startedAt.toString();
  }

  @Override
  public void onStart(RunStart s) {
    resumedFromRound = s.resumedFromRound();
    lastCheckpointRound = s.resumedFromRound();
    accuracy = Double.isNaN(s.lastAccuracy()) ? null : s.lastAccuracy();
    update(s.round(), s.epoch(), s.samples(), null, null);
  }

  @Override
  public void onRound(RoundReport r) {
    slowestShare = Double.isNaN(r.slowestShare()) ? null : r.slowestShare();
    update(r.round(), r.epoch(), r.samples(), r.trainLoss(), r.samplesPerSecond());
  }

  @Override
  public void onEvaluation(EvaluationReport e) {
    accuracy = e.accuracy();
    update(e.round(), e.epoch(), e.samples(), e.trainLoss(), e.samplesPerSecond());
  }

  @Override
  public void onCheckpoint(CheckpointReport c) {
    lastCheckpointRound = c.round();
    if (last != null) {
      update(last.round(), last.epoch(), last.samples(), last.loss(), last.samplesPerSecond());
    }
  }

  @Override
  public void onWorkers(List<WorkerStatus> workers) {
    reporter.update(null, workers);
  }

  private void update(long round, double epoch, long samples, Double loss, Double samplesPerSecond) {
    last = TrainingProgress.of(round, epoch, samples, loss, accuracy, samplesPerSecond, clock.instant().toString(), slowestShare,
        startedAt, resumedFromRound, lastCheckpointRound);
    reporter.update(last, null);
  }
}
