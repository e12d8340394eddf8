package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.ascent.AscentSource;
import dev.hetero.training.trainer.ascent.Perturbation;
import dev.hetero.training.trainer.ascent.Snapshot;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A helper's end of its asyncSAM pair, a client of the coordinator's relay: every call hands in
 * the last perturbation and waits (at most the poll interval, then asks again) for a newer
 * snapshot of the partner. While the coordinator is unreachable it retries for
 * {@code reconnectWithin}; a refusal (wrong token, not a pair of the plan) ends the helper.
 */
public final class RemoteAscentSource implements AscentSource, AutoCloseable {
  private final ManagedChannel channel;
  private final int helperRank;
  private final int workerRank;
  private final int modelSize;
  private final Duration poll;
  private final Duration reconnectWithin;
  private final TransportMeter meter;
  private final PrintStream log;
  private final String where;
  private long lastContact = System.nanoTime();

  public RemoteAscentSource(InetSocketAddress coordinator, String token, int helperRank, int workerRank, int modelSize,
      Duration poll, Duration reconnectWithin, TransportMeter meter, PrintStream log) {
    this.channel = WorkerClient.channel(coordinator, token);
    this.helperRank = helperRank;
    this.workerRank = workerRank;
    this.modelSize = modelSize;
    this.poll = poll;
    this.reconnectWithin = reconnectWithin;
    this.meter = meter;
    this.log = log;
    this.where = coordinator.getHostString() + ":" + coordinator.getPort();
  }

  @Override
  public Snapshot next(long after, Perturbation previous) throws IOException {
    Perturbation toSend = previous;
    while (true) {
      byte[] request = AscentFrames.ascend(helperRank, workerRank, after, modelSize, toSend);
      byte[] answer;
      try {
        answer = WorkerClient.parkedCall(channel, AscentFrames.ASCEND, request, poll);
        meter.sent(request.length);
        meter.received(answer.length);
        lastContact = System.nanoTime();
        toSend = null; // delivered
      } catch (StatusRuntimeException e) {
        WorkerClient.refusedOrRetry(e, "rank " + helperRank, where, lastContact, reconnectWithin, log);
        continue;
      }
      if (answer[0] == AscentFrames.STOP) {
        return null;
      }
      if (answer[0] == AscentFrames.ITEM) {
        return AscentFrames.parseSnapshotAnswer(answer);
      }
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
