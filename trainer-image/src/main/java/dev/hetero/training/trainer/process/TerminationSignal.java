package dev.hetero.training.trainer.process;

import java.io.PrintStream;

/**
 * SIGTERM (what the kubelet sends on preemption, node drain, suspend and deletion) turned into a
 * stop request instead of the JVM's default, an immediate shutdown. A signal handler rather than a
 * shutdown hook: once the JVM shuts down, the exit code can no longer be chosen (the operator must
 * tell "stopped after checkpointing" from success and from failure), and other hooks would tear
 * down what the checkpoint still needs while it is written. {@code sun.misc.Signal} is in the JDK's
 * jdk.unsupported module, supported on HotSpot and widely used for exactly this.
 */
final class TerminationSignal implements AutoCloseable {
  private static final sun.misc.Signal TERM = new sun.misc.Signal("TERM");
  private final sun.misc.SignalHandler previous;

  private TerminationSignal(sun.misc.SignalHandler previous) {
    this.previous = previous;
  }

  /** Until closed, SIGTERM runs {@code onTerm} (on the JVM's signal thread; keep it short). */
  static TerminationSignal onTerm(Runnable onTerm, PrintStream log) {
    try {
      return new TerminationSignal(sun.misc.Signal.handle(TERM, signal -> {
        log.println("coordinator: SIGTERM received; stopping at the next round boundary");
        onTerm.run();
      }));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.println("coordinator: cannot handle SIGTERM here (" + e.getMessage() + "); a SIGTERM ends the process at once");
      return new TerminationSignal(null);
    }
  }

  /** The handler before ours again (the JVM's default in a process of its own). */
  @Override
  public void close() {
    if (previous != null) {
      sun.misc.Signal.handle(TERM, previous);
    }
  }
}
