package dev.hetero.training.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.WorkerState;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gRPC data plane without DJL: token, hello checks, mailbox, deadlines and stale results. */
class CoordinatorServerTest {
  static final String TOKEN = "s3cret-token-value";

  @Test
  void refusesWrongOrMissingTokensAndForeignHellosWithoutLoggingTokens() throws Exception {
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    try (CoordinatorServer server = server(log)) {
      server.remoteWorker("w1", 1, Duration.ofSeconds(1), Duration.ofSeconds(30));
      ManagedChannel wrong = channel(server.port(), "guessed-token-123");
      ManagedChannel none = channel(server.port(), null);
      ManagedChannel good = channel(server.port(), TOKEN);
      try {
        assertThatThrownBy(() -> poll(wrong, hello("w1", 100)))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> poll(none, hello("w1", 100)))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        // a worker the running plan does not have yet (its pod read a newer plan) is told to wait, not refused
        assertThat(poll(good, hello("w5", 100))[0]).isEqualTo(GrpcWire.WAIT);
        assertThat(server.joined()).isEmpty();
        assertThatThrownBy(() -> poll(good, hello("w1", 99)))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getDescription()).contains("model of 99 values"));
        // a good poll with no command waits one poll interval, then answers WAIT
        assertThat(poll(good, hello("w1", 100))[0]).isEqualTo(GrpcWire.WAIT);
        assertThat(server.joined()).containsExactly(1);
      } finally {
        wrong.shutdownNow();
        none.shutdownNow();
        good.shutdownNow();
      }
    }
    String text = logBytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("wrong job token").contains("missing job token")
        .contains("worker w5 is not in the running plan; told to wait").contains("refused worker w1: worker w1 has a model of 99");
    assertThat(text).doesNotContain(TOKEN).doesNotContain("guessed-token-123");
  }

  @Test
  void deliversCommandsAcceptsOnTimeResultsAndLeavesOutLateOnes() throws Exception {
    try (CoordinatorServer server = server(new PrintStream(new ByteArrayOutputStream()))) {
      ManagedChannel ch = channel(server.port(), TOKEN);
      try {
        RemoteWorker rank1 = server.remoteWorker("w1", 1, Duration.ofMillis(800), Duration.ofSeconds(2));
        RemoteWorker rank2 = server.remoteWorker("w2", 2, Duration.ofMillis(800), Duration.ofSeconds(2));
        rank1.start(command(4));
        rank2.start(command(4));
        byte[] answer = poll(ch, hello("w1", 100));
        assertThat(answer[0]).isEqualTo(GrpcWire.ROUND);
        RoundCommand got = parse(answer);
        assertThat(got.round()).isEqualTo(4);
        assertThat(got.batch()).isEqualTo(2);
        assertThat(got.model()).hasSize(100);
        assertThat(submit(ch, "w1", result(1, 4))).isEqualTo((byte) 1);
        assertThat(rank1.await().round()).isEqualTo(4);
        // rank 2 never connected (a worker still starting): left out at once, not after the pick-up time
        long t0 = System.nanoTime();
        assertThat(rank2.await()).isNull();
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(0.5);
        assertThat(submit(ch, "w2", result(2, 4))).isEqualTo((byte) 0);
        // once it has polled, it is waited for up to the pick-up time
        assertThat(poll(ch, hello("w2", 100))[0]).isEqualTo(GrpcWire.WAIT);
        rank2.start(command(5));
        rank1.start(command(5));
        assertThat(poll(ch, hello("w1", 100))[0]).isEqualTo(GrpcWire.ROUND);
        t0 = System.nanoTime();
        assertThat(rank2.await()).isNull();
        assertThat((System.nanoTime() - t0) / 1e9).isBetween(0.5, 5.0);
        // a rank that picked up but does not answer is left out at the round deadline
        assertThat(rank1.await()).isNull();
        assertThat(submit(ch, "w1", result(1, 5))).isEqualTo((byte) 0);
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void aWorkerThatDiesWhileItsPollIsParkedIsLeftOutAtThePickupTimeNotTheDeadline() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (CoordinatorServer server = server(new PrintStream(log, true, StandardCharsets.UTF_8), Duration.ofSeconds(30))) {
      RemoteWorker rank1 = server.remoteWorker("w1", 1, Duration.ofSeconds(1), Duration.ofSeconds(30));
      ManagedChannel ch = channel(server.port(), TOKEN);
      var parked = ClientCalls.futureUnaryCall(ch.newCall(GrpcWire.NEXT_ROUND, CallOptions.DEFAULT), hello("w1", 100));
      await("rank 1's poll reached the coordinator").atMost(Duration.ofSeconds(10)).until(() -> server.joined().contains(1));
      parked.cancel(true);
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      await("the coordinator noticed the cancelled poll").atMost(Duration.ofSeconds(10))
          .until(() -> log.toString(StandardCharsets.UTF_8).contains("rank 1's waiting poll was cancelled"));
      rank1.start(command(1));
      long t0 = System.nanoTime();
      assertThat(rank1.await()).isNull();
      assertThat((System.nanoTime() - t0) / 1e9).as("left out at the pickup time (1 s), not the deadline (30 s)").isLessThan(10);
    }
  }

  @Test
  void aWorkerBackAsANewProcessGetsItsSavedStateWithItsCommandAndAStopDeadlineEndsTheWait() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (CoordinatorServer server = server(new PrintStream(log, true, StandardCharsets.UTF_8))) {
      ManagedChannel ch = channel(server.port(), TOKEN);
      try {
        RemoteWorker rank1 = server.remoteWorker("w1", 1, Duration.ofSeconds(5), Duration.ofSeconds(30));
        WorkerState saved = new WorkerState(1, 50, new float[] {0.5f, -0.25f}, new float[0]);
        rank1.remember(saved);
        // a worker that holds its own state gets the command as posted
        rank1.start(command(57));
        assertThat(parse(poll(ch, hello("w1", 100, true))).restore()).isNull();
        // the same rank as a new process (no state of its own) gets its saved state with the command
        byte[] answer = poll(ch, hello("w1", 100, false));
        RoundCommand got = parse(answer);
        assertThat(got.round()).isEqualTo(57);
        assertThat(got.restore().round()).isEqualTo(50);
        assertThat(got.restore().optimizer()).containsExactly(0.5f, -0.25f);
        assertThat(log.toString(StandardCharsets.UTF_8))
            .contains("worker rank 1 is a new process; handing it its optimizer state of round 50 with round 57 (7 rounds old)");

        // picked up, never answered: a stop deadline ends the wait long before the round deadline (30 s)
        long cutoff = System.nanoTime() + Duration.ofMillis(500).toNanos();
        long t0 = System.nanoTime();
        assertThat(rank1.await(() -> cutoff)).isNull();
        assertThat((System.nanoTime() - t0) / 1e9).isBetween(0.4, 5.0);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("had not answered by the coordinator's cut-off (a stop request's deadline, or a straggler's)");

        // a stop on request travels with its own type byte and asks for the worker's state
        rank1.start(RoundCommand.stopOnRequest(58, 1, true, new float[100]));
        byte[] stop = poll(ch, hello("w1", 100, false));
        assertThat(stop[0]).isEqualTo(GrpcWire.STOP_ON_REQUEST);
        assertThat(parse(stop).reportState()).isTrue();
        assertThat(parse(stop).restore()).as("no state is handed with a stop").isNull();
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void workersAreKnownByNameSoRanksMayChangeAndALeavingWorkerIsToldToFinish() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (CoordinatorServer server = server(new PrintStream(log, true, StandardCharsets.UTF_8))) {
      ManagedChannel ch = channel(server.port(), TOKEN);
      try {
        RemoteWorker a = server.remoteWorker("a", 1, Duration.ofSeconds(5), Duration.ofSeconds(30));
        RemoteWorker b = server.remoteWorker("b", 2, Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertThat(poll(ch, hello("a", 100))[0]).isEqualTo(GrpcWire.WAIT);
        assertThat(poll(ch, hello("b", 100))[0]).isEqualTo(GrpcWire.WAIT);
        assertThat(server.joined()).containsExactly(1, 2);
        // a new plan drops a and moves b to rank 1: b's poll and result find it by name
        a.leave(RoundCommand.finish(7, 2, true, new float[100]));
        b.renumber(1);
        assertThat(server.joined()).containsExactly(1);
        b.start(command(7));
        assertThat(parse(poll(ch, hello("b", 100))).round()).isEqualTo(7);
        assertThat(submit(ch, "b", result(2, 7))).isEqualTo((byte) 1);
        assertThat(b.await().round()).isEqualTo(7);
        // a, still alive, takes its farewell: finish with the current model; its answer is not waited for
        byte[] farewell = poll(ch, hello("a", 100));
        assertThat(GrpcWire.kindOf(farewell[0])).isEqualTo(RoundCommand.Kind.FINISH);
        assertThat(parse(farewell).stop()).isTrue();
        assertThat(submit(ch, "a", result(1, 7))).as("taken, not stale").isEqualTo((byte) 1);
        // back in a later plan, a is a new pod: until it polls it is left out at once, not after the pick-up time
        RemoteWorker again = server.remoteWorker("a", 3, Duration.ofSeconds(5), Duration.ofSeconds(30));
        again.start(command(9));
        long t0 = System.nanoTime();
        assertThat(again.await()).isNull();
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(1.0);
        // a worker that joins later gets its own slot at once
        RemoteWorker c = server.remoteWorker("c", 2, Duration.ofSeconds(5), Duration.ofSeconds(30));
        c.start(command(8));
        assertThat(parse(poll(ch, hello("c", 100))).round()).isEqualTo(8);
        assertThat(c.rank()).isEqualTo(2);
      } finally {
        ch.shutdownNow();
      }
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("stale result of a");
  }

  private static CoordinatorServer server(PrintStream log) throws Exception {
    return server(log, Duration.ofMillis(300));
  }

  private static CoordinatorServer server(PrintStream log, Duration poll) throws Exception {
    return new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        TOKEN.getBytes(StandardCharsets.UTF_8), 100, poll, TransportMeter.NONE, log, java.util.List.of());
  }

  private static RoundCommand command(long round) {
    return RoundCommand.train(round, 1, 0.1, true, 1, 2, 1.0, new int[] {1, 2, 3, 4}, new float[100], false);
  }

  private static RoundCommand parse(byte[] answer) {
    return Frames.parseCommand(ByteBuffer.wrap(answer, 1, answer.length - 1).slice().order(ByteOrder.LITTLE_ENDIAN),
        GrpcWire.kindOf(answer[0]));
  }

  private static RoundResult result(int rank, long round) {
    return new RoundResult(rank, round, 0.01, new byte[32], new int[] {1, 2, 3, 4}, new float[4], new float[100]);
  }

  private static ManagedChannel channel(int port, String token) {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext();
    if (token != null) {
      Metadata m = new Metadata();
      m.put(GrpcWire.TOKEN_HEADER, token);
      b.intercept(MetadataUtils.newAttachHeadersInterceptor(m));
    }
    return b.build();
  }

  private static byte[] hello(String worker, int modelSize) {
    return hello(worker, modelSize, true);
  }

  private static byte[] hello(String worker, int modelSize, boolean holdsState) {
    ByteBuffer b = Frames.hello(new Frames.Hello(worker, modelSize, holdsState));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static byte[] poll(ManagedChannel ch, byte[] hello) {
    return ClientCalls.blockingUnaryCall(ch, GrpcWire.NEXT_ROUND, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), hello);
  }

  private static byte submit(ManagedChannel ch, String worker, RoundResult r) {
    ByteBuffer b = Frames.submission(worker, r);
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return ClientCalls.blockingUnaryCall(ch, GrpcWire.SUBMIT, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), bytes)[0];
  }
}
