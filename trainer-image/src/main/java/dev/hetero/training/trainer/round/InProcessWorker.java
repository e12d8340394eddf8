package dev.hetero.training.trainer.round;

/** A worker running in the coordinator's process; trains when awaited, so workers take turns. */
public final class InProcessWorker implements WorkerHandle {
  private final RoundWorker worker;
  private RoundCommand pending;

  public InProcessWorker(RoundWorker worker) {
    this.worker = worker;
  }

  @Override
  public int rank() {
    return worker.rank();
  }

  @Override
  public boolean inProcess() {
    return true;
  }

  @Override
  public void start(RoundCommand command) {
    pending = command;
  }

  @Override
  public RoundResult await() {
    RoundCommand command = pending;
    pending = null;
    return command.stop() ? worker.stop(command) : worker.train(command);
  }

  @Override
  public void close() {
  }
}
