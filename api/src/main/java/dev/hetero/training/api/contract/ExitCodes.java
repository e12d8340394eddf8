package dev.hetero.training.api.contract;

/**
 * What a trainer process's exit code means, for the operator (which decides from it whether a
 * worker pod failed) and for the one-machine runner. Only {@link #SUCCEEDED} is success.
 */
public final class ExitCodes {
  /** Training finished (the coordinator), or the coordinator told this worker the run is complete. */
  public static final int SUCCEEDED = 0;
  /** A failure: bad configuration or data, a refused or incompatible checkpoint, a lost coordinator, an error. */
  public static final int FAILED = 1;
  /** A command-line mistake. */
  public static final int USAGE = 2;
  /**
   * Stopped on request after checkpointing: the coordinator got SIGTERM, ended its round, wrote a
   * checkpoint of it and stopped the workers it could reach (which exit with this code too). Not
   * a failure and not a success: a new coordinator resumes from that round. 75 is EX_TEMPFAIL of
   * sysexits.h ("try again later").
   */
  public static final int STOPPED_AFTER_CHECKPOINT = 75;
  /**
   * A GPU worker found no usable CUDA device and its pool does not allow training on the CPU
   * (deviceFallback none). Exits at once, before loading data; the message names the worker,
   * what it asked for and what it found. 69 is EX_UNAVAILABLE of sysexits.h. The operator shows it
   * as NoCudaDevice; retrying the same pod on the same node cannot help.
   */
  public static final int NO_DEVICE = 69;
  /**
   * 128 + SIGTERM: stopped on request with nothing saved (no checkpoint directory, or a worker that
   * got SIGTERM itself and exits at once, since it holds nothing the coordinator lacks).
   */
  public static final int TERMINATED = 143;

  private ExitCodes() {
  }
}
