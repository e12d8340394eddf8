package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.round.RoundCommand;
import dev.hetero.training.trainer.round.RoundResult;
import dev.hetero.training.trainer.round.RoundWorker;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A worker's end: poll the coordinator for the next command, train, hand the result in, until
 * told to stop. Every call carries the token and a deadline. While the coordinator is away
 * (starting, restarting from a checkpoint) the worker retries for {@code reconnectWithin}; a
 * refusal (wrong token, another model) ends the worker with the coordinator's reason.
 */
public final class WorkerClient {
  /** How the coordinator ended this worker. */
  public enum Ending {
    /** The run is complete: the worker holds the final model. */
    FINISHED,
    /** The coordinator stopped on request (SIGTERM) and has this worker's state in its checkpoint. */
    STOPPED_ON_REQUEST
  }

  private WorkerClient() {
  }

  /**
   * @param self the name and model size this worker announces (and, on every poll, whether it holds state)
   */
  public static Ending serve(InetSocketAddress coordinator, String token, Frames.Hello self, RoundWorker worker,
      Duration reconnectWithin, Duration poll, Duration submitDeadline, TransportMeter meter, PrintStream log) throws IOException {
    String where = coordinator.getHostString() + ":" + coordinator.getPort();
    ManagedChannel channel = channel(coordinator, token);
    String me = self.worker();
    try {
      long lastContact = System.nanoTime();
      boolean connected = false;
      long submittedAt = 0;
      while (true) {
        byte[] answer;
        byte[] helloBytes = hello(self, worker.holdsState());
        try {
          answer = parkedCall(channel, GrpcWire.NEXT_ROUND, helloBytes, poll);
          meter.sent(helloBytes.length);
          meter.received(answer.length);
          lastContact = System.nanoTime();
          if (!connected) {
            log.println("worker " + me + ": connected to " + where);
            connected = true;
          }
        } catch (StatusRuntimeException e) {
          refusedOrRetry(e, me, where, lastContact, reconnectWithin, log);
          connected = false;
          continue;
        }
        if (answer.length == 0 || answer[0] == GrpcWire.WAIT) {
          continue;
        }
        RoundCommand command = Frames.parseCommand(ByteBuffer.wrap(answer, 1, answer.length - 1).slice()
            .order(ByteOrder.LITTLE_ENDIAN), GrpcWire.kindOf(answer[0]));
        if (submittedAt != 0) {
          meter.aggregationWait((System.nanoTime() - submittedAt) / 1e9);
        }
        RoundResult result = command.stop() ? worker.stop(command) : worker.train(command);
        ByteBuffer payload = Frames.submission(me, result);
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        submittedAt = System.nanoTime();
        try {
          byte[] ack = ClientCalls.blockingUnaryCall(channel, GrpcWire.SUBMIT,
              CallOptions.DEFAULT.withDeadlineAfter(submitDeadline.toMillis(), TimeUnit.MILLISECONDS), bytes);
          meter.sent(bytes.length);
          if (ack.length > 0 && ack[0] == 0) {
            log.println("worker " + me + ": round " + command.round() + " closed before this result arrived; "
                + "left out, rejoining with the current model");
          }
        } catch (StatusRuntimeException e) {
          refusedOrRetry(e, me, where, lastContact, reconnectWithin, log);
          log.println("worker " + me + ": result of round " + command.round() + " not delivered ("
              + e.getStatus().getCode() + ")");
        }
        if (command.kind() == RoundCommand.Kind.STOP_ON_REQUEST) {
          log.println("worker " + me + ": the coordinator stopped on request after round " + command.round()
              + "; optimizer state handed in for its checkpoint");
          return Ending.STOPPED_ON_REQUEST;
        }
        if (command.stop()) {
          log.println("worker " + me + ": stopped after round " + command.round());
          return Ending.FINISHED;
        }
      }
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static byte[] hello(Frames.Hello self, boolean holdsState) {
    ByteBuffer h = Frames.hello(new Frames.Hello(self.worker(), self.modelSize(), holdsState));
    byte[] bytes = new byte[h.remaining()];
    h.get(bytes);
    return bytes;
  }

  /** A call the coordinator may park for up to the poll interval before it answers; its deadline leaves 20 s more. */
  static byte[] parkedCall(ManagedChannel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, Duration poll) {
    return ClientCalls.blockingUnaryCall(channel, method,
        CallOptions.DEFAULT.withDeadlineAfter(poll.toMillis() + 20_000, TimeUnit.MILLISECONDS), request);
  }

  /** A plaintext channel to the coordinator whose every call carries the job token. */
  static ManagedChannel channel(InetSocketAddress coordinator, String token) {
    Metadata headers = new Metadata();
    headers.put(GrpcWire.TOKEN_HEADER, token);
    return NettyChannelBuilder.forAddress(coordinator.getHostString(), coordinator.getPort())
        .usePlaintext()
        .maxInboundMessageSize(GrpcWire.MAX_MESSAGE_BYTES)
        .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
        .build();
  }

  /** A refusal ends the caller with the coordinator's reason; an unreachable coordinator is retried for {@code within}. */
  static void refusedOrRetry(StatusRuntimeException e, String worker, String where, long lastContact, Duration within,
      PrintStream log) throws IOException {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.FAILED_PRECONDITION || code == Status.Code.INVALID_ARGUMENT
        || code == Status.Code.PERMISSION_DENIED) {
      throw new IOException("coordinator " + where + " refused worker " + worker + ": " + code + ": " + e.getStatus().getDescription());
    }
    if (System.nanoTime() - lastContact > within.toNanos()) {
      throw new IOException("cannot reach the coordinator at " + where + " within " + within.toSeconds() + " s (" + code + ")");
    }
    try {
      Thread.sleep(300);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the coordinator", ie);
    }
  }
}
