package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.ascent.Perturbation;
import dev.hetero.training.trainer.ascent.PerturbationMailbox;
import dev.hetero.training.trainer.ascent.Snapshot;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where asyncSAM pairs meet: one {@link PerturbationMailbox} per pair, keyed by the training
 * worker's rank, served on rank 0's gRPC server (the one address every worker knows) as the
 * {@link AscentFrames} methods. A remote training worker offers snapshots and fetches
 * perturbations, its helper ascends; rank 0's own worker uses its mailbox directly. Calls wait
 * inside the handler for at most the poll interval, then answer WAIT. Only the pairs of the plan
 * are served; the model size must match.
 */
public final class AscentRelay {
  private final Map<Integer, PerturbationMailbox> mailboxes = new TreeMap<>();
  private final Map<Integer, Integer> partnerOf;
  private final int modelSize;
  private final Duration poll;
  private final TransportMeter meter;
  private final PrintStream log;
  private final Set<Integer> joined = ConcurrentHashMap.newKeySet();
  private final Set<Integer> toldToStop = ConcurrentHashMap.newKeySet();

  /**
   * @param partnerOf helper rank to the rank of the training worker it serves
   */
  public AscentRelay(Map<Integer, Integer> partnerOf, int modelSize, Duration poll, TransportMeter meter, PrintStream log) {
    this.partnerOf = Map.copyOf(partnerOf);
    this.modelSize = modelSize;
    this.poll = poll;
    this.meter = meter;
    this.log = log;
    partnerOf.values().forEach(worker -> mailboxes.put(worker, new PerturbationMailbox()));
  }

  /** The pair's mailbox of a training worker with a helper (rank 0's own link). */
  public PerturbationMailbox mailbox(int workerRank) {
    PerturbationMailbox box = mailboxes.get(workerRank);
    if (box == null) {
      throw new IllegalArgumentException("rank " + workerRank + " has no asyncSAM helper in this plan");
    }
    return box;
  }

  public ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(AscentFrames.SERVICE)
        .addMethod(AscentFrames.OFFER, ServerCalls.asyncUnaryCall(this::offer))
        .addMethod(AscentFrames.FETCH, ServerCalls.asyncUnaryCall(this::fetch))
        .addMethod(AscentFrames.ASCEND, ServerCalls.asyncUnaryCall(this::ascend))
        .build();
  }

  /** Waits until every helper called once, or the time is up; true when all did. */
  public boolean awaitHelpers(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (joined.size() < partnerOf.size() && System.nanoTime() < deadline) {
      CoordinatorServer.sleep(50);
    }
    return joined.size() == partnerOf.size();
  }

  /**
   * The run is over: every mailbox lets its waiters go, and the helpers that called are told STOP
   * (at most {@code within}, so that none is still computing when the server closes).
   */
  public void finish(Duration within) {
    mailboxes.values().forEach(PerturbationMailbox::stop);
    long deadline = System.nanoTime() + within.toNanos();
    while (!toldToStop.containsAll(joined) && System.nanoTime() < deadline) {
      CoordinatorServer.sleep(20);
    }
  }

  private void offer(byte[] request, StreamObserver<byte[]> observer) {
    AscentFrames.Offer offer = parsed(request, observer, AscentFrames::parseOffer);
    if (offer == null) {
      return;
    }
    PerturbationMailbox box = mailboxes.get(offer.workerRank());
    if (box == null || offer.snapshot().model().length != modelSize) {
      refuse(observer, "rank " + offer.workerRank() + " with a model of " + offer.snapshot().model().length
          + " values has no asyncSAM helper here");
      return;
    }
    box.offer(offer.snapshot());
    answer(observer, new byte[] {AscentFrames.ITEM});
  }

  private void fetch(byte[] request, StreamObserver<byte[]> observer) {
    AscentFrames.Fetch fetch = parsed(request, observer, AscentFrames::parseFetch);
    if (fetch == null) {
      return;
    }
    PerturbationMailbox box = mailboxes.get(fetch.workerRank());
    if (box == null) {
      refuse(observer, "rank " + fetch.workerRank() + " has no asyncSAM helper here");
      return;
    }
    Perturbation p = box.newest(fetch.minSource(), poll);
    byte kind = p != null ? AscentFrames.ITEM : box.stopped() ? AscentFrames.STOP : AscentFrames.WAIT;
    answer(observer, AscentFrames.perturbationAnswer(kind, p));
  }

  private void ascend(byte[] request, StreamObserver<byte[]> observer) {
    AscentFrames.Ascend ascend = parsed(request, observer, AscentFrames::parseAscend);
    if (ascend == null) {
      return;
    }
    Integer partner = partnerOf.get(ascend.helperRank());
    if (partner == null || partner != ascend.workerRank() || ascend.modelSize() != modelSize) {
      refuse(observer, "helper rank " + ascend.helperRank() + " for rank " + ascend.workerRank() + " with a model of "
          + ascend.modelSize() + " values is not a pair of this plan");
      return;
    }
    if (joined.add(ascend.helperRank())) {
      log.println("coordinator: asyncSAM helper rank " + ascend.helperRank() + " connected for rank " + partner);
    }
    PerturbationMailbox box = mailboxes.get(partner);
    if (ascend.previous() != null) {
      box.post(ascend.previous());
    }
    Snapshot s = box.takeSnapshot(ascend.after(), poll);
    byte kind = s != null ? AscentFrames.ITEM : box.stopped() ? AscentFrames.STOP : AscentFrames.WAIT;
    answer(observer, AscentFrames.snapshotAnswer(kind, s));
    if (kind == AscentFrames.STOP) {
      toldToStop.add(ascend.helperRank());
    }
  }

  private interface Parser<T> {
    T parse(byte[] bytes) throws IOException;
  }

  /** The request, counted and decoded; null (and the call refused) when it is not one of this relay's messages. */
  private <T> T parsed(byte[] request, StreamObserver<byte[]> observer, Parser<T> parser) {
    meter.received(request.length);
    try {
      return parser.parse(request);
    } catch (IOException | RuntimeException e) {
      refuse(observer, "bad request: " + e.getMessage());
      return null;
    }
  }

  private void answer(StreamObserver<byte[]> observer, byte[] bytes) {
    try {
      observer.onNext(bytes);
      observer.onCompleted();
      meter.sent(bytes.length);
    } catch (RuntimeException ignored) {
      // the caller went away
    }
  }

  private void refuse(StreamObserver<byte[]> observer, String why) {
    log.println("coordinator: refused an asyncSAM relay call: " + why);
    observer.onError(Status.FAILED_PRECONDITION.withDescription(why).asRuntimeException());
  }
}
