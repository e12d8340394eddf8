package dev.hetero.training.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.trainer.algo.WorkerSettings;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CoordinatorServerTest {
  static final String TOKEN = "s3cret-token-value";

  @Test
  void refusesAWrongTokenWithoutLoggingEitherTokenAndAcceptsTheRightOne() throws Exception {
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    List<WorkerSettings> plan = List.of(
        new WorkerSettings(0, "w0", DeviceClass.CPU, 32, 4, false, 1),
        new WorkerSettings(1, "w1", DeviceClass.CPU, 32, 4, false, 1));
    try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        TOKEN.getBytes(StandardCharsets.UTF_8), log)) {
      CompletableFuture<List<RemoteWorker>> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return server.accept(plan, 100, Duration.ofSeconds(20), Duration.ofSeconds(20));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertThat(hello(server.port(), "guessed-token-123", 32, 4)).isEqualTo(Frames.REJECT);
      assertThat(hello(server.port(), TOKEN, 64, 4)).isEqualTo(Frames.REJECT);
      Socket good = new Socket(InetAddress.getLoopbackAddress(), server.port());
      send(good, TOKEN, 32, 4);
      assertThat(Frames.read(new DataInputStream(good.getInputStream())).type()).isEqualTo(Frames.WELCOME);
      List<RemoteWorker> workers = accepted.get();
      assertThat(workers).extracting(RemoteWorker::rank).containsExactly(1);
      workers.forEach(RemoteWorker::close);
      good.close();
    }
    String text = logBytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("wrong or missing job token").contains("plan says 32 x 4");
    assertThat(text).doesNotContain(TOKEN).doesNotContain("guessed-token-123");
  }

  private static int hello(int port, String token, int batch, int steps) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      send(s, token, batch, steps);
      return Frames.read(new DataInputStream(s.getInputStream())).type();
    }
  }

  private static void send(Socket s, String token, int batch, int steps) throws Exception {
    OutputStream out = new BufferedOutputStream(s.getOutputStream());
    Frames.write(out, Frames.HELLO, Frames.hello(new Frames.Hello(1, 2, batch, steps, 100, token.getBytes(StandardCharsets.UTF_8))));
  }
}
