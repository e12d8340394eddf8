package dev.hetero.training.trainer.net;

import dev.hetero.training.trainer.worker.RoundCommand;
import dev.hetero.training.trainer.worker.RoundResult;
import dev.hetero.training.trainer.worker.WorkerHandle;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** The coordinator's end of one worker's connection. */
public final class RemoteWorker implements WorkerHandle {
  private final int rank;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RemoteWorker(int rank, Socket socket, DataInputStream in) throws IOException {
    this.rank = rank;
    this.socket = socket;
    this.in = in;
    this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public void start(RoundCommand command) throws IOException {
    try {
      Frames.write(out, command.stop() ? Frames.STOP : Frames.ROUND, Frames.command(command));
    } catch (IOException e) {
      throw new IOException("worker rank " + rank + ": cannot send round " + command.round() + " (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public RoundResult await() throws IOException {
    Frames.Frame frame;
    try {
      frame = Frames.read(in);
    } catch (SocketTimeoutException e) {
      throw new IOException("worker rank " + rank + " missed its round deadline", e);
    } catch (IOException e) {
      throw new IOException("worker rank " + rank + " disconnected: " + e.getMessage(), e);
    }
    if (frame.type() == Frames.REJECT) {
      throw new IOException("worker rank " + rank + " failed: " + Frames.parseText(frame.payload()));
    }
    if (frame.type() != Frames.RESULT && frame.type() != Frames.FINAL) {
      throw new IOException("worker rank " + rank + " sent unexpected frame type " + frame.type());
    }
    RoundResult result = Frames.parseResult(frame.payload());
    if (result.rank() != rank) {
      throw new IOException("connection of rank " + rank + " answered as rank " + result.rank());
    }
    return result;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
