package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.worker.RoundCommand;
import dev.hetero.training.trainer.worker.RoundExecutor;
import dev.hetero.training.trainer.worker.RoundResult;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A worker's end: connect to the coordinator (retrying while it starts), then serve rounds until told to stop. */
public final class WorkerClient {
  private WorkerClient() {
  }

  public static void serve(InetSocketAddress coordinator, Frames.Hello hello, RoundExecutor executor, Duration connectWithin,
      Duration roundDeadline, PrintStream log) throws IOException {
    String where = coordinator.getHostString() + ":" + coordinator.getPort();
    try (Socket socket = connect(coordinator, connectWithin)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, roundDeadline.toMillis()));
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      Frames.write(out, Frames.HELLO, Frames.hello(hello));
      Frames.Frame answer = Frames.read(in);
      if (answer.type() != Frames.WELCOME) {
        throw new IOException("coordinator " + where + " refused rank " + hello.rank() + ": " + Frames.parseText(answer.payload()));
      }
      log.println("worker rank " + hello.rank() + ": connected to " + where);
      while (true) {
        Frames.Frame frame = Frames.read(in);
        if (frame.type() == Frames.STOP) {
          RoundCommand stop = Frames.parseCommand(frame.payload(), true);
          byte[] digest = executor.finish(stop);
          Frames.write(out, Frames.FINAL,
              Frames.result(new RoundResult(hello.rank(), stop.round(), 0, digest, new int[0], new float[0], null)));
          log.println("worker rank " + hello.rank() + ": stopped after round " + stop.round());
          return;
        }
        if (frame.type() != Frames.ROUND) {
          throw new IOException("unexpected frame type " + frame.type() + " from the coordinator");
        }
        RoundCommand command = Frames.parseCommand(frame.payload(), false);
        RoundResult result;
        try {
          result = executor.run(command);
        } catch (RuntimeException e) {
          Frames.write(out, Frames.REJECT, Frames.text(String.valueOf(e.getMessage())));
          throw e;
        }
        Frames.write(out, Frames.RESULT, Frames.result(result));
      }
    }
  }

  private static Socket connect(InetSocketAddress address, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), 5000);
        return socket;
      } catch (ConnectException e) {
        socket.close();
        if (System.nanoTime() > deadline) {
          throw new IOException("cannot reach the coordinator at " + address.getHostString() + ":" + address.getPort() + " within " + within.toSeconds() + " s", e);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while connecting", ie);
        }
      }
    }
  }
}
