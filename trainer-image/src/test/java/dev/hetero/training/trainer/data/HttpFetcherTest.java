package dev.hetero.training.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.DatasetSource;
import dev.hetero.training.api.v1alpha1.HttpSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpFetcherTest {
  @TempDir
  Path cache;
  HttpServer server;
  final Map<String, byte[]> files = new HashMap<>();
  final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    byte[] labels = {0, 1, 2, 3};
    for (String prefix : new String[] {"train", "t10k"}) {
      files.put("/data/" + prefix + "-images-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.images(4, 28, 28, IdxReader.IMAGE_MAGIC)));
      files.put("/data/" + prefix + "-labels-idx1-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(labels, IdxReader.LABEL_MAGIC)));
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] body = files.get(exchange.getRequestURI().getPath());
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/data";
  }

  @Test
  void downloadsOnceVerifiesAndServesFromTheCache() throws Exception {
    String sha = HttpFetcher.sha256Hex(files.get("/data/train-images-idx3-ubyte.gz"));
    DatasetSource source = new DatasetSource(null, null, new HttpSource(base(), Map.of("train-images-idx3-ubyte.gz", sha)));
    TrainTestData first = DatasetLoader.load(DatasetName.MNIST, source, cache);
    int afterFirst = requests.get();
    TrainTestData second = DatasetLoader.load(DatasetName.MNIST, source, cache);
    assertThat(first.train().size()).isEqualTo(4);
    assertThat(second.test().size()).isEqualTo(4);
    assertThat(afterFirst).isEqualTo(4);
    assertThat(requests.get()).isEqualTo(4);
  }

  @Test
  void digestMismatchIsRefusedAndNotCached() throws IOException {
    String wrong = "0".repeat(64);
    HttpFetcher fetcher = new HttpFetcher(cache, java.time.Duration.ofSeconds(5));
    assertThatThrownBy(() -> fetcher.fetch(base(), "train-images-idx3-ubyte.gz", Map.of("train-images-idx3-ubyte.gz", wrong)))
        .hasMessageContaining("train-images-idx3-ubyte.gz").hasMessageContaining("sha256 mismatch");
    try (var walk = Files.walk(cache)) {
      assertThat(walk.filter(Files::isRegularFile).toList()).isEmpty();
    }
  }

  @Test
  void missingRemoteFileIsNamedWithItsStatus() {
    HttpFetcher fetcher = new HttpFetcher(cache, java.time.Duration.ofSeconds(5));
    assertThatThrownBy(() -> fetcher.fetch(base(), "nope.gz", null))
        .hasMessageContaining(base() + "/nope.gz").hasMessageContaining("HTTP status 404");
  }
}
