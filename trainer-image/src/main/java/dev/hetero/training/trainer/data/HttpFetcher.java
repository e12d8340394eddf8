package dev.hetero.training.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * Downloads a data set's files once into a cache directory. A file is written under a temporary
 * name and renamed into place only after its SHA-256 matched (when one is given), so a crash or
 * a bad download never leaves a file that a later run would trust.
 */
public final class HttpFetcher {
  private final Path cacheRoot;
  private final Duration timeout;

  public HttpFetcher(Path cacheRoot, Duration timeout) {
    this.cacheRoot = cacheRoot;
    this.timeout = timeout;
  }

  /** Local path of {@code baseUrl/name}, downloading it when not cached (or cached with another digest). */
  public Path fetch(String baseUrl, String name, Map<String, String> sha256ByName) {
    String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    String url = base + name;
    String expected = sha256ByName == null ? null : sha256ByName.get(name);
    Path dir = cacheRoot.resolve(sha256Hex(base.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    Path target = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      if (Files.isRegularFile(target) && (expected == null || expected.equals(sha256Of(target)))) {
        return target;
      }
      Path partial = Files.createTempFile(dir, name, ".part");
      try {
        String actual = download(url, partial);
        if (expected != null && !expected.equals(actual)) {
          throw new DataFormatException(url, "sha256 mismatch: expected " + expected + " but downloaded " + actual
              + "; the file was not cached", null);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw new DataFormatException(url, "download failed (" + e + ")", e);
    }
  }

  private String download(String url, Path into) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    connection.setConnectTimeout((int) timeout.toMillis());
    connection.setReadTimeout((int) timeout.toMillis());
    try {
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new DataFormatException(url, "HTTP status " + status + " (expected 200)", null);
      }
      MessageDigest digest = newDigest();
      try (InputStream in = new DigestInputStream(connection.getInputStream(), digest);
          OutputStream out = Files.newOutputStream(into)) {
        in.transferTo(out);
      }
      return HexFormat.of().formatHex(digest.digest());
    } finally {
      connection.disconnect();
    }
  }

  static String sha256Of(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(newDigest().digest(data));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
