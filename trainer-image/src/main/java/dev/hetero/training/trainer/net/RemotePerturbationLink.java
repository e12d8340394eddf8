package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.ascent.PerturbationLink;
import dev.hetero.training.trainer.ascent.PerturbationMailbox;
import dev.hetero.training.trainer.ascent.Snapshot;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A training worker's end of its asyncSAM pair when the worker is not rank 0: two daemon
 * threads move data between a local {@link PerturbationMailbox} and the coordinator's relay,
 * one sending the newest snapshot whenever there is a newer one (intermediate ones are skipped
 * when a send takes longer than a step), one fetching every newer perturbation as soon as the
 * helper posts it. The training thread only touches the local mailbox, so it never blocks on
 * the network, except when it has to wait for a fresh enough perturbation.
 */
public final class RemotePerturbationLink implements PerturbationLink {
  private final PerturbationMailbox local = new PerturbationMailbox();
  private final ManagedChannel channel;
  private final int rank;
  private final Duration poll;
  private final Duration reconnectWithin;
  private final TransportMeter meter;
  private final PrintStream log;
  private final String where;
  private final Thread sender;
  private final Thread receiver;
  private volatile boolean closed;

  public RemotePerturbationLink(InetSocketAddress coordinator, String token, int rank, Duration poll, Duration reconnectWithin,
      TransportMeter meter, PrintStream log) {
    this.channel = WorkerClient.channel(coordinator, token);
    this.rank = rank;
    this.poll = poll;
    this.reconnectWithin = reconnectWithin;
    this.meter = meter;
    this.log = log;
    this.where = coordinator.getHostString() + ":" + coordinator.getPort();
    this.sender = daemon("asyncsam-offer-" + rank, this::sendLoop);
    this.receiver = daemon("asyncsam-fetch-" + rank, this::fetchLoop);
  }

  @Override
  public void offer(Snapshot snapshot) {
    local.offer(snapshot);
  }

  @Override
  public Received await(long minSource, Duration limit) {
    return local.await(minSource, limit);
  }

  private void sendLoop() throws IOException {
    long sent = -1;
    long lastContact = System.nanoTime();
    while (!closed) {
      Snapshot s = local.takeSnapshot(sent, Duration.ofMillis(500));
      if (s == null) {
        continue;
      }
      byte[] bytes = AscentFrames.offer(rank, s);
      try {
        WorkerClient.parkedCall(channel, AscentFrames.OFFER, bytes, poll);
        meter.sent(bytes.length);
        sent = s.step();
        lastContact = System.nanoTime();
      } catch (StatusRuntimeException e) {
        WorkerClient.refusedOrRetry(e, "rank " + rank, where, lastContact, reconnectWithin, log);
      }
    }
  }

  private void fetchLoop() throws IOException {
    long have = -1;
    long lastContact = System.nanoTime();
    while (!closed) {
      byte[] answer;
      try {
        answer = WorkerClient.parkedCall(channel, AscentFrames.FETCH, AscentFrames.fetch(rank, have + 1), poll);
        lastContact = System.nanoTime();
      } catch (StatusRuntimeException e) {
        WorkerClient.refusedOrRetry(e, "rank " + rank, where, lastContact, reconnectWithin, log);
        continue;
      }
      meter.received(answer.length);
      if (answer[0] == AscentFrames.STOP) {
        local.stop();
        return;
      }
      if (answer[0] == AscentFrames.ITEM) {
        var p = AscentFrames.parsePerturbationAnswer(answer);
        have = p.source();
        local.post(p);
      }
    }
  }

  /** A background thread of this link; a failure there (the coordinator gone for good) is logged, not thrown. */
  private Thread daemon(String name, IoLoop body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.println("worker rank " + rank + ": asyncSAM link stopped: " + e.getMessage());
        }
        local.stop();
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private interface IoLoop {
    void run() throws IOException;
  }

  @Override
  public void close() {
    closed = true;
    local.stop();
    channel.shutdownNow();
    try {
      sender.join(2000);
      receiver.join(2000);
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
