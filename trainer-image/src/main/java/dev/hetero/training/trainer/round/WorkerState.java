package dev.hetero.training.trainer.round;

/**
 * What a worker carries from one round to the next besides the averaged model: its optimizer
 * state (the momentum buffers, which the method keeps local and never averages) and, when
 * BatchNorm statistics are not averaged, its own running statistics. A checkpoint keeps every
 * worker's, so a restarted worker or a resumed coordinator can hand each worker its own back.
 *
 * @param round rounds completed when the state was taken (its checkpoint round)
 * @param optimizer the optimizer's state vector ({@code LocalTrainer.optimizerState})
 * @param localBuffers the worker's BatchNorm running statistics in model order; empty when they are averaged
 */
public record WorkerState(int rank, long round, float[] optimizer, float[] localBuffers) {

  /** Bytes this state takes on the wire and in a checkpoint, without framing. */
  public long bytes() {
    return 4L * (optimizer.length + localBuffers.length);
  }
}
