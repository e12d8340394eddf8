package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerState;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Rank 0's gRPC server. Each remote rank has a mailbox slot: the coordinator posts the rank's
 * command for the round, the worker's {@code NextRound} poll takes it (or parks until it exists),
 * and the worker's {@code Submit} completes the round's result. A call must carry the job token
 * ({@link TokenInterceptor}) and a hello matching the plan (rank in the plan, world size, model
 * size); anything else is refused. A worker whose hello says it holds no optimizer state (a new
 * process) gets its rank's saved state ({@link #remember}) with the round command it picks up.
 */
public final class CoordinatorServer implements AutoCloseable {
  private final Server server;
  private final int worldSize;
  private final int modelSize;
  private final Slot[] slots;
  private final PrintStream log;
  private final TransportMeter meter;
  private final long pollNanos;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "coordinator-poll-timer");
    t.setDaemon(true);
    return t;
  });


  /** @param services more services on the same port behind the same token (the asyncSAM relay) */
  public CoordinatorServer(InetSocketAddress bind, byte[] token, int worldSize, int modelSize, Duration poll,
      TransportMeter meter, PrintStream log, List<ServerServiceDefinition> services) throws IOException {
    this.worldSize = worldSize;
    this.modelSize = modelSize;
    this.log = log;
    this.meter = meter;
    this.pollNanos = poll.toNanos();
    this.slots = new Slot[worldSize];
    for (int i = 0; i < worldSize; i++) {
      slots[i] = new Slot();
    }
    ServerServiceDefinition service = ServerServiceDefinition.builder(GrpcWire.SERVICE)
        .addMethod(GrpcWire.NEXT_ROUND, ServerCalls.asyncUnaryCall(this::nextRound))
        .addMethod(GrpcWire.SUBMIT, ServerCalls.asyncUnaryCall(this::submit))
        .build();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(bind);
    services.forEach(extra -> builder.addService(ServerInterceptors.intercept(extra, new TokenInterceptor(token, log))));
    this.server = builder
        // a restarted coordinator binds the same port while the old connections sit in TIME_WAIT
        .withOption(io.grpc.netty.shaded.io.netty.channel.ChannelOption.SO_REUSEADDR, true)
        .maxInboundMessageSize(GrpcWire.MAX_MESSAGE_BYTES)
        // ping idle connections: a worker whose node vanished (no FIN) loses its transport within ~30 s
        .keepAliveTime(20, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .addService(ServerInterceptors.intercept(service, new TokenInterceptor(token, log)))
        .addTransportFilter(new io.grpc.ServerTransportFilter() {
          @Override
          public void transportTerminated(io.grpc.Attributes attributes) {
            disconnected(attributes.get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
          }
        })
        .build()
        .start();
  }

  public int port() {
    return server.getPort();
  }

  /** Waits until every remote rank polled once, the time is up, or {@code giveUp} says so; returns the ranks that did. */
  public Set<Integer> awaitJoined(Duration within, BooleanSupplier giveUp) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Set<Integer> joined = joined();
      if (joined.size() == worldSize - 1 || System.nanoTime() > deadline || giveUp.getAsBoolean()) {
        return joined;
      }
      sleep(50);
    }
  }

  public synchronized Set<Integer> joined() {
    Set<Integer> out = new TreeSet<>();
    for (int i = 1; i < worldSize; i++) {
      if (slots[i].joined) {
        out.add(i);
      }
    }
    return out;
  }

  /** The coordinator-side handles of ranks 1..world-1. */
  public List<RemoteWorker> remoteWorkers(Duration pickup, Duration roundDeadline) {
    List<RemoteWorker> out = new ArrayList<>();
    for (int i = 1; i < worldSize; i++) {
      out.add(new RemoteWorker(this, i, pickup, roundDeadline));
    }
    return out;
  }

  synchronized void post(int rank, RoundCommand command) {
    Slot s = slots[rank];
    s.open(command);
    if (s.parked != null) {
      StreamObserver<byte[]> o = s.parked;
      s.parked = null;
      deliver(s, o, s.parkedHello);
    }
  }

  /** The state to hand {@code rank} if it polls as a new process (its latest checkpointed one). */
  synchronized void remember(int rank, WorkerState state) {
    slots[rank].saved = state;
  }

  /**
   * The rank's result for the posted command, or null when the worker did not pick the command up
   * within {@code pickup} (dead, restarting or still busy with an older round) or did not answer
   * within {@code deadline} of the post.
   */
  RoundResult await(int rank, Duration pickup, Duration deadline, LongSupplier cutoffNanos) {
    CompletableFuture<RoundResult> future;
    long posted;
    synchronized (this) {
      future = slots[rank].result;
      posted = slots[rank].postedNanos;
    }
    while (true) {
      long now = System.nanoTime();
      try {
        return future.get(50, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        boolean picked;
        boolean gone;
        synchronized (this) {
          picked = slots[rank].pickedUp;
          gone = slots[rank].disconnected && slots[rank].result == future;
        }
        String reason = MissedRound.reason(now, posted, picked, gone, pickup, deadline, cutoffNanos.getAsLong());
        if (reason != null) {
          synchronized (this) {
            if (slots[rank].result == future) {
              slots[rank].command = null;
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
    for (Slot s : slots) {
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
      log.println("coordinator: refused rank " + hello.rank() + ": " + refusal);
      observer.onError(Status.FAILED_PRECONDITION.withDescription(refusal).asRuntimeException());
      return;
    }
    synchronized (this) {
      Slot s = slots[hello.rank()];
      if (!s.joined) {
        log.println("coordinator: worker rank " + hello.rank() + " connected");
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
        call.setOnCancelHandler(() -> forgetParked(hello.rank(), observer));
      }
    }
    timer.schedule(() -> {
      synchronized (this) {
        Slot s = slots[hello.rank()];
        if (s.parked == observer) {
          s.parked = null;
          answerWait(observer);
        }
      }
    }, pollNanos, TimeUnit.NANOSECONDS);
  }

  private synchronized void forgetParked(int rank, StreamObserver<byte[]> observer) {
    if (slots[rank].parked == observer) {
      slots[rank].parked = null;
      log.println("coordinator: worker rank " + rank + "'s waiting poll was cancelled (the worker went away)");
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
    RoundResult result;
    try {
      result = Frames.parseResult(ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN));
    } catch (RuntimeException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("bad result: " + e).asRuntimeException());
      return;
    }
    boolean accepted = false;
    synchronized (this) {
      if (result.rank() >= 1 && result.rank() < worldSize) {
        Slot s = slots[result.rank()];
        if (s.command != null && s.command.round() == result.round() && s.result != null && !s.result.isDone()) {
          accepted = s.result.complete(result);
          s.command = null;
        }
      }
    }
    if (!accepted) {
      log.println("coordinator: stale result of rank " + result.rank() + " for round " + result.round() + " left out");
    }
    observer.onNext(new byte[] {(byte) (accepted ? 1 : 0)});
    observer.onCompleted();
  }

  private String check(Frames.Hello hello) {
    if (hello.rank() < 1 || hello.rank() >= worldSize || hello.worldSize() != worldSize) {
      return "rank " + hello.rank() + " of world size " + hello.worldSize() + " is not in this plan of " + worldSize + " workers";
    }
    if (hello.modelSize() != modelSize) {
      return "rank " + hello.rank() + " has a model of " + hello.modelSize() + " values, the coordinator " + modelSize;
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
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
