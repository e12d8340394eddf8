package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerState;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Rank 0's gRPC server. Each remote worker of the running plan has a mailbox slot, found by the
 * worker's name: the coordinator posts the worker's command for the round, the worker's
 * {@code NextRound} poll takes it (or parks until it exists), and the worker's {@code Submit}
 * completes the round's result. A call must carry the job token ({@link TokenInterceptor}) and a
 * hello with the job's model size; anything else is refused. Names, not ranks: the plan may
 * renumber ranks and add or remove workers while the run goes on ({@link #remoteWorker},
 * {@link #retire}); a worker whose name no slot has yet (a new pod whose plan reached it before
 * the coordinator's) is told to wait. A worker whose hello says it holds no optimizer state (a new
 * process) gets its saved state ({@link #remember}) with the round command it picks up.
 */
public final class CoordinatorServer implements AutoCloseable {
  private final Server server;
  private final int modelSize;
  /** How long a worker the running plan does not have yet waits for its WAIT answer. */
  static final long UNKNOWN_WAIT_NANOS = 1_000_000_000L;
    /** By worker name; guarded by this. */
  private final SlotTable slots = new SlotTable();
  private final PrintStream log;
  private final TransportMeter meter;
  private final long pollNanos;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "coordinator-poll-timer");
    t.setDaemon(true);
    return t;
  });


  /** @param services more services on the same port behind the same token (the asyncSAM relay) */
  public CoordinatorServer(InetSocketAddress bind, byte[] token, int modelSize, Duration poll,
      TransportMeter meter, PrintStream log, List<ServerServiceDefinition> services) throws IOException {
    this.modelSize = modelSize;
    this.log = log;
    this.meter = meter;
    this.pollNanos = poll.toNanos();
    ServerServiceDefinition service = ServerServiceDefinition.builder(GrpcWire.SERVICE)
        .addMethod(GrpcWire.NEXT_ROUND, ServerCalls.asyncUnaryCall(this::nextRound))
        .addMethod(GrpcWire.SUBMIT, ServerCalls.asyncUnaryCall(this::submit))
        .build();
    List<ServerServiceDefinition> all = new java.util.ArrayList<>(services);
    all.add(service);
    this.server = CoordinatorTransport.start(bind, token, all, this::disconnected, log);
  }

  public int port() {
    return server.getPort();
  }

  /** Waits until every remote worker polled once, the time is up, or {@code giveUp} says so; returns the ranks that did. */
  public Set<Integer> awaitJoined(Duration within, BooleanSupplier giveUp) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      synchronized (this) {
        if (slots.everyoneJoined() || System.nanoTime() > deadline || giveUp.getAsBoolean()) {
          return slots.joined();
        }
      }
      sleep(50);
    }
  }

  /** The current ranks of the remote workers of the running plan that polled at least once. */
  public synchronized Set<Integer> joined() {
    return slots.joined();
  }

  /** A handle on the worker of this name at this rank: a new slot, or a retired one taken back into the plan. */
  public synchronized RemoteWorker remoteWorker(String name, int rank, Duration pickup, Duration roundDeadline) {
    return new RemoteWorker(this, slots.take(name, rank), pickup, roundDeadline);
  }

  /**
   * The worker left the plan: it is no longer waited for, and if it is still alive, its next poll
   * takes {@code farewell} (the current model and "finish"), so it ends cleanly instead of waiting.
   */
  synchronized void retire(String name, RoundCommand farewell) {
    Slot s = slots.get(name);
    if (s == null || s.retired) {
      return;
    }
    post(name, farewell);
    s.retired = true;
  }

  synchronized void post(String name, RoundCommand command) {
    Slot s = slots.get(name);
    s.open(command);
    if (s.parked != null) {
      StreamObserver<byte[]> o = s.parked;
      s.parked = null;
      deliver(s, o, s.parkedHello);
    }
  }

  /** The state to hand the worker if it polls as a new process (its latest checkpointed one). */
  synchronized void remember(String name, WorkerState state) {
    slots.get(name).saved = state;
  }

  /**
   * The worker's result for the posted command, or null when it has never connected (a new worker
   * still starting: it trains from the round after it connects), did not pick the command up
   * within {@code pickup} (dead, restarting or still busy with an older round) or did not answer
   * within {@code deadline} of the post.
   */
  RoundResult await(String name, Duration pickup, Duration deadline, LongSupplier cutoffNanos) {
    CompletableFuture<RoundResult> future;
    long posted;
    Slot slot;
    synchronized (this) {
      slot = slots.get(name);
      future = slot.result;
      posted = slot.postedNanos;
      if (!slot.joined && !slot.pickedUp) {
        slot.command = null;
        future.cancel(false);
        if (!slot.toldNotConnected) {
          slot.toldNotConnected = true;
          log.println("coordinator: worker rank " + slot.rank + " (" + name + ") has not connected yet; left out of rounds"
              + " until it does");
        }
        return null;
      }
    }
    while (true) {
      long now = System.nanoTime();
      try {
        return future.get(50, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        boolean picked;
        boolean gone;
        int rank;
        synchronized (this) {
          picked = slot.pickedUp;
          gone = slot.disconnected && slot.result == future;
          rank = slot.rank;
        }
        String reason = MissedRound.reason(now, posted, picked, gone, pickup, deadline, cutoffNanos.getAsLong());
        if (reason != null) {
          synchronized (this) {
            if (slot.result == future) {
              slot.command = null;
            }
            future.cancel(false);
          }
          log.println("coordinator: worker rank " + rank + " " + reason + "; left out of this round");
          return null;
        }
      } catch (java.util.concurrent.CancellationException | java.util.concurrent.ExecutionException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /**
   * A worker's connection closed (its process died: the kernel closes the socket). If that rank
   * had taken its command and not answered, the round stops waiting for it now rather than at
   * the deadline. A worker restarted meanwhile polls from a new connection and is not affected.
   */
  private synchronized void disconnected(java.net.SocketAddress address) {
    if (address == null) {
      return;
    }
    for (Slot s : slots.all()) {
      if (address.equals(s.peer) && s.pickedUp && s.result != null && !s.result.isDone()) {
        s.disconnected = true;
      }
    }
  }

  private void nextRound(byte[] request, StreamObserver<byte[]> observer) {
    meter.received(request.length);
    Frames.Hello hello;
    try {
      hello = Frames.parseHello(ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN));
    } catch (IOException | RuntimeException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("bad hello: " + e.getMessage()).asRuntimeException());
      return;
    }
    String refusal = check(hello);
    if (refusal != null) {
      log.println("coordinator: refused worker " + hello.worker() + ": " + refusal);
      observer.onError(Status.FAILED_PRECONDITION.withDescription(refusal).asRuntimeException());
      return;
    }
    synchronized (this) {
      Slot s = slots.get(hello.worker());
      if (s == null) {
        // A worker new to the plan whose pod started before this coordinator read that plan: it polls again.
        if (slots.firstWait(hello.worker())) {
          log.println("coordinator: worker " + hello.worker() + " is not in the running plan; told to wait for a plan"
              + " that has it");
        }
        // answered after a second (not at once: it would call again at once; not a whole poll interval: the plan
        // that has it may arrive any moment, and it should join the round after)
        timer.schedule(() -> answerWait(observer), Math.min(pollNanos, UNKNOWN_WAIT_NANOS), TimeUnit.NANOSECONDS);
        return;
      }
      if (!s.joined) {
        log.println("coordinator: worker rank " + s.rank + " connected (" + hello.worker() + ")");
      }
      s.joined = true;
      s.peer = TokenInterceptor.PEER.get();
      if (s.command != null && s.result != null && !s.result.isDone()) {
        deliver(s, observer, hello);
        return;
      }
      if (s.parked != null) {
        answerWait(s.parked);
      }
      s.parked = observer;
      s.parkedHello = hello;
      // A worker that dies while its poll is parked must not have the next command "delivered" to
      // its dead call (a unary call accepts a message after cancellation without complaint): forget
      // the parked call as soon as it is cancelled, so the pickup timeout applies to that rank.
      if (observer instanceof ServerCallStreamObserver<byte[]> call) {
        call.setOnCancelHandler(() -> forgetParked(hello.worker(), observer));
      }
    }
    timer.schedule(() -> {
      synchronized (this) {
        Slot s = slots.get(hello.worker());
        if (s != null && s.parked == observer) {
          s.parked = null;
          answerWait(observer);
        }
      }
    }, pollNanos, TimeUnit.NANOSECONDS);
  }

  private synchronized void forgetParked(String name, StreamObserver<byte[]> observer) {
    Slot s = slots.get(name);
    if (s != null && s.parked == observer) {
      s.parked = null;
      if (!s.retired) {
        log.println("coordinator: worker rank " + s.rank + "'s waiting poll was cancelled (the worker went away)");
      }
    }
  }

  private void deliver(Slot s, StreamObserver<byte[]> observer, Frames.Hello hello) {
    if (observer instanceof ServerCallStreamObserver<byte[]> call && call.isCancelled()) {
      return; // the worker went away while parked: the next poll takes the command
    }
    s.pickedUp = true;
    byte[] bytes = s.payloadFor(hello, log);
    try {
      observer.onNext(bytes);
      observer.onCompleted();
      meter.sent(bytes.length);
    } catch (RuntimeException e) {
      s.pickedUp = false; // the call was cancelled (the worker went away): let the next poll take it
    }
  }

  private static void answerWait(StreamObserver<byte[]> observer) {
    try {
      observer.onNext(new byte[] {GrpcWire.WAIT});
      observer.onCompleted();
    } catch (RuntimeException ignored) {
      // the caller went away
    }
  }

  private void submit(byte[] request, StreamObserver<byte[]> observer) {
    meter.received(request.length);
    Frames.Submission submission;
    try {
      submission = Frames.parseSubmission(ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN));
    } catch (IOException | RuntimeException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("bad result: " + e).asRuntimeException());
      return;
    }
    RoundResult result = submission.result();
    boolean accepted = false;
    boolean retired = false;
    synchronized (this) {
      Slot s = slots.get(submission.worker());
      if (s != null) {
        retired = s.retired;
        if (!retired && s.command != null && s.command.round() == result.round() && s.result != null && !s.result.isDone()) {
          accepted = s.result.complete(result);
          s.command = null;
        }
      }
    }
    if (!accepted && !retired) {
      log.println("coordinator: stale result of " + submission.worker() + " for round " + result.round() + " left out");
    }
    // a retired worker's last answer (to its farewell) is taken: it left, it was not late
    observer.onNext(new byte[] {(byte) (accepted || retired ? 1 : 0)});
    observer.onCompleted();
  }

  private String check(Frames.Hello hello) {
    if (hello.modelSize() != modelSize) {
      return "worker " + hello.worker() + " has a model of " + hello.modelSize() + " values, the coordinator " + modelSize;
    }
    return null;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    CoordinatorTransport.stop(server);
  }
}
