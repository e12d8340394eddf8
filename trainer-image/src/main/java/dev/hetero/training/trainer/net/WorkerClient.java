package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.worker.RoundCommand;
import dev.hetero.training.trainer.worker.RoundExecutor;
import dev.hetero.training.trainer.worker.RoundResult;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
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
 * refusal (wrong token, rank not in the plan) ends the worker with the coordinator's reason.
 */
public final class WorkerClient {
  /** Hook run at every round boundary, before the command is executed (live re-plan pick-up). */
  public interface RoundBoundary {
    void before(RoundCommand command);
  }

  private WorkerClient() {
  }

  public static void serve(InetSocketAddress coordinator, String token, Frames.Hello hello, RoundExecutor executor,
      Duration reconnectWithin, Duration poll, Duration submitDeadline, TransportMeter meter, RoundBoundary boundary,
      PrintStream log) throws IOException {
    String where = coordinator.getHostString() + ":" + coordinator.getPort();
    Metadata headers = new Metadata();
    headers.put(GrpcWire.TOKEN_HEADER, token);
    ManagedChannel channel = NettyChannelBuilder.forAddress(coordinator.getHostString(), coordinator.getPort())
        .usePlaintext()
        .maxInboundMessageSize(GrpcWire.MAX_MESSAGE_BYTES)
        .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
        .build();
    ByteBuffer h = Frames.hello(hello);
    byte[] helloBytes = new byte[h.remaining()];
    h.get(helloBytes);
    int rank = hello.rank();
    try {
      long lastContact = System.nanoTime();
      boolean connected = false;
      long submittedAt = 0;
      while (true) {
        byte[] answer;
        try {
          answer = ClientCalls.blockingUnaryCall(channel, GrpcWire.NEXT_ROUND,
              CallOptions.DEFAULT.withDeadlineAfter(poll.toMillis() + 20_000, TimeUnit.MILLISECONDS), helloBytes);
          meter.sent(helloBytes.length);
          meter.received(answer.length);
          lastContact = System.nanoTime();
          if (!connected) {
            log.println("worker rank " + rank + ": connected to " + where);
            connected = true;
          }
        } catch (StatusRuntimeException e) {
          refusedOrRetry(e, rank, where, lastContact, reconnectWithin, log);
          connected = false;
          continue;
        }
        if (answer.length == 0 || answer[0] == GrpcWire.WAIT) {
          continue;
        }
        RoundCommand command = Frames.parseCommand(ByteBuffer.wrap(answer, 1, answer.length - 1).slice()
            .order(ByteOrder.LITTLE_ENDIAN), answer[0] == GrpcWire.STOP);
        if (submittedAt != 0) {
          meter.aggregationWait((System.nanoTime() - submittedAt) / 1e9);
        }
        RoundResult result;
        if (command.stop()) {
          byte[] digest = executor.finish(command);
          result = new RoundResult(rank, command.round(), 0, digest, new int[0], new float[0], null);
        } else {
          boundary.before(command);
          result = executor.run(command);
        }
        ByteBuffer payload = Frames.result(result);
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        submittedAt = System.nanoTime();
        try {
          byte[] ack = ClientCalls.blockingUnaryCall(channel, GrpcWire.SUBMIT,
              CallOptions.DEFAULT.withDeadlineAfter(submitDeadline.toMillis(), TimeUnit.MILLISECONDS), bytes);
          meter.sent(bytes.length);
          if (ack.length > 0 && ack[0] == 0) {
            log.println("worker rank " + rank + ": round " + command.round() + " closed before this result arrived; "
                + "left out, rejoining with the current model");
          }
        } catch (StatusRuntimeException e) {
          refusedOrRetry(e, rank, where, lastContact, reconnectWithin, log);
          log.println("worker rank " + rank + ": result of round " + command.round() + " not delivered ("
              + e.getStatus().getCode() + ")");
        }
        if (command.stop()) {
          log.println("worker rank " + rank + ": stopped after round " + command.round());
          return;
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

  private static void refusedOrRetry(StatusRuntimeException e, int rank, String where, long lastContact, Duration within,
      PrintStream log) throws IOException {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.FAILED_PRECONDITION || code == Status.Code.INVALID_ARGUMENT
        || code == Status.Code.PERMISSION_DENIED) {
      throw new IOException("coordinator " + where + " refused rank " + rank + ": " + code + ": " + e.getStatus().getDescription());
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
