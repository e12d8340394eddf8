package dev.hetero.training.trainer.round;

/**
 * A worker's answer: its model after the local steps, the per-sample training losses of the
 * samples it was given (for the sampler), its measured compute time, the digest of the model it
 * loaded at the start of the round (so the coordinator can check every worker started from the
 * same average), its {@link WorkerState} when the command asked for it (else null), and for an
 * asyncSAM worker what it saw of its helper (else null).
 */
public record RoundResult(int rank, long round, double computeSeconds, byte[] loadedDigest, int[] indices, float[] losses,
    float[] model, WorkerState state, AscentStats ascent) {

  /** A result without asyncSAM statistics. */
  public RoundResult(int rank, long round, double computeSeconds, byte[] loadedDigest, int[] indices, float[] losses,
      float[] model, WorkerState state) {
    this(rank, round, computeSeconds, loadedDigest, indices, losses, model, state, null);
  }

  /** A trained round without the worker's state. */
  public RoundResult(int rank, long round, double computeSeconds, byte[] loadedDigest, int[] indices, float[] losses,
      float[] model) {
    this(rank, round, computeSeconds, loadedDigest, indices, losses, model, null);
  }

  /** The answer to a stop command: the digest of the final model the worker loaded, and its state if asked. */
  public static RoundResult stopped(int rank, long round, byte[] digest, WorkerState state) {
    return new RoundResult(rank, round, 0, digest, new int[0], new float[0], null, state);
  }
}
