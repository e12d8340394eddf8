package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.algo.WorkerSettings;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accepts the other workers' connections on rank 0. A connection must present the job token
 * (compared in constant time and never logged), a rank that is planned and not yet connected,
 * and the batch, local steps and model size the plan gives that rank.
 */
public final class CoordinatorServer implements AutoCloseable {
  private final ServerSocket server;
  private final byte[] token;
  private final PrintStream log;

  public CoordinatorServer(InetSocketAddress bind, byte[] token, PrintStream log) throws IOException {
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(bind);
    this.token = token.clone();
    this.log = log;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Waits for ranks 1..m-1; their settings come from the plan. */
  public List<RemoteWorker> accept(List<WorkerSettings> plan, int modelSize, Duration within, Duration roundDeadline)
      throws IOException {
    Map<Integer, RemoteWorker> connected = new TreeMap<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (connected.size() < plan.size() - 1) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new IOException("only " + connected.size() + " of " + (plan.size() - 1) + " workers connected within "
            + within.toSeconds() + " s; connected ranks: " + connected.keySet());
      }
      server.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      Socket socket;
      try {
        socket = server.accept();
      } catch (SocketTimeoutException e) {
        continue;
      }
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1000, left)));
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      String refusal;
      Frames.Hello hello = null;
      try {
        Frames.Frame frame = Frames.read(in);
        hello = frame.type() == Frames.HELLO ? Frames.parseHello(frame.payload()) : null;
        refusal = hello == null ? "expected a hello frame" : check(hello, plan, modelSize, connected);
      } catch (IOException e) {
        refusal = "bad hello: " + e.getMessage();
      }
      if (refusal != null) {
        log.println("coordinator: refused a connection from " + socket.getRemoteSocketAddress() + ": " + refusal);
        try {
          Frames.write(socket.getOutputStream(), Frames.REJECT, Frames.text(refusal));
        } catch (IOException ignored) {
          // the peer may already be gone
        }
        socket.close();
        continue;
      }
      Frames.write(socket.getOutputStream(), Frames.WELCOME, Frames.text("ok"));
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, roundDeadline.toMillis()));
      connected.put(hello.rank(), new RemoteWorker(hello.rank(), socket, in));
      log.println("coordinator: worker rank " + hello.rank() + " connected");
    }
    return new ArrayList<>(connected.values());
  }

  private String check(Frames.Hello hello, List<WorkerSettings> plan, int modelSize, Map<Integer, RemoteWorker> connected) {
    if (!MessageDigest.isEqual(hello.token(), token)) {
      return "wrong or missing job token";
    }
    if (hello.rank() < 1 || hello.rank() >= plan.size() || hello.worldSize() != plan.size()) {
      return "rank " + hello.rank() + " of world size " + hello.worldSize() + " is not in this plan of " + plan.size() + " workers";
    }
    if (connected.containsKey(hello.rank())) {
      return "rank " + hello.rank() + " is already connected";
    }
    WorkerSettings planned = plan.get(hello.rank());
    if (hello.batch() != planned.batch() || hello.localSteps() != planned.localSteps()) {
      return "rank " + hello.rank() + " runs batch " + hello.batch() + " x " + hello.localSteps() + " local steps but the plan says "
          + planned.batch() + " x " + planned.localSteps();
    }
    if (hello.modelSize() != modelSize) {
      return "rank " + hello.rank() + " has a model of " + hello.modelSize() + " values, the coordinator " + modelSize;
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
