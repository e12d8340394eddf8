package dev.hetero.training.trainer.worker;

/** A worker running in the coordinator's process; trains when awaited, so workers take turns. */
public final class InProcessWorker implements WorkerHandle {
  private final RoundExecutor executor;
  private RoundCommand pending;
  private byte[] finalDigest;

  public InProcessWorker(RoundExecutor executor) {
    this.executor = executor;
  }

  @Override
  public int rank() {
    return executor.rank();
  }

  @Override
  public void start(RoundCommand command) {
    pending = command;
  }

  @Override
  public RoundResult await() {
    RoundCommand command = pending;
    pending = null;
    if (command.stop()) {
      finalDigest = executor.finish(command);
      return new RoundResult(rank(), command.round(), 0, finalDigest, new int[0], new float[0], null);
    }
    return executor.run(command);
  }

  public byte[] finalDigest() {
    return finalDigest;
  }

  @Override
  public void close() {
  }
}
