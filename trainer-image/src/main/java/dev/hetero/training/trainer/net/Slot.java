package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerState;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** The mailbox of one remote worker on the coordinator's server; guarded by the server's lock. */
final class Slot {
  final String name;
  /** The worker's rank in the running plan (it may change from one plan version to the next). */
  int rank;
  /** Left the plan: no longer waited for; a poll takes the farewell command posted at retirement. */
  boolean retired;
  boolean toldNotConnected;
  RoundCommand command;
  byte[] encoded;
  long postedNanos;
  boolean pickedUp;
  CompletableFuture<RoundResult> result;
  StreamObserver<byte[]> parked;
  Frames.Hello parkedHello;
  /** The rank's latest saved state, handed to it when it polls as a new process. */
  WorkerState saved;
  boolean joined;
  SocketAddress peer;
  boolean disconnected;

  Slot(String name) {
    this.name = name;
  }

  /** A new command replaces the open one (whose result, if still awaited, is cancelled). */
  void open(RoundCommand next) {
    if (result != null && !result.isDone()) {
      result.cancel(false);
    }
    command = next;
    encoded = encode(next);
    postedNanos = System.nanoTime();
    pickedUp = false;
    disconnected = false;
    result = new CompletableFuture<>();
  }

  /**
   * The answer for a worker that polls with {@code hello}: the command as posted, or, for a new
   * process (it holds no optimizer state) while a saved state exists, the round command with that
   * state to load first, so a restarted worker resumes its own momentum instead of zero.
   */
  byte[] payloadFor(Frames.Hello hello, PrintStream log) {
    if (hello.holdsState() || saved == null || command.stop() || command.restore() != null) {
      return encoded;
    }
    log.println("coordinator: worker rank " + rank + " is a new process; handing it its optimizer state of round "
        + saved.round() + " with round " + command.round() + " (" + (command.round() - saved.round()) + " rounds old)");
    return encode(command.withRestore(saved));
  }

  /** The answer's type byte, then the command. */
  static byte[] encode(RoundCommand command) {
    ByteBuffer payload = Frames.command(command);
    byte[] bytes = new byte[1 + payload.remaining()];
    bytes[0] = GrpcWire.typeOf(command.kind());
    payload.get(bytes, 1, bytes.length - 1);
    return bytes;
  }
}
