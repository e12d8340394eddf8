package dev.hetero.training.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an image promises its users: user, entrypoint, command, environment, ports, volumes and working
 * directory. Read from a Dockerfile stage or from a built OCI archive, so a test can check that the two
 * ways of building an image (Docker, and the offline build) agree.
 */
public record ImageDefinition(String user, List<String> entrypoint, List<String> cmd, Map<String, String> env,
    List<String> ports, List<String> volumes, String workingDir) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The definition of one stage of a Dockerfile (exec-form ENTRYPOINT/CMD, ENV with KEY=VALUE pairs,
   * continuation lines). Instructions inherited from the base image are not known here.
   */
  public static ImageDefinition fromDockerfile(Path dockerfile, String stage) {
    String user = null;
    String workdir = null;
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    Map<String, String> env = new TreeMap<>();
    List<String> ports = new ArrayList<>();
    List<String> volumes = new ArrayList<>();
    boolean inStage = stage == null;
    for (String line : logicalLines(read(dockerfile))) {
      String[] parts = line.split("\\s+", 2);
      String op = parts[0].toUpperCase(java.util.Locale.ROOT);
      String arg = parts.length > 1 ? parts[1].strip() : "";
      if (op.equals("FROM")) {
        inStage = stage == null || arg.matches("(?i).*\\s+AS\\s+" + java.util.regex.Pattern.quote(stage) + "$");
        continue;
      }
      if (!inStage) {
        continue;
      }
      switch (op) {
        case "USER" -> user = arg;
        case "WORKDIR" -> workdir = arg;
        case "ENTRYPOINT" -> entrypoint = jsonList(arg);
        case "CMD" -> cmd = jsonList(arg);
        case "EXPOSE" -> ports.addAll(List.of(arg.split("\\s+")));
        case "VOLUME" -> volumes.addAll(jsonList(arg));
        case "ENV" -> {
          for (String kv : words(arg)) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
              env.put(kv.substring(0, eq), unquote(kv.substring(eq + 1)));
            }
          }
        }
        default -> {
        }
      }
    }
    return new ImageDefinition(user, entrypoint, cmd, env, ports, volumes, workdir);
  }

  /** The definition an OCI archive (oci-layout, index.json, blobs) carries in its image config. */
  public static ImageDefinition fromOciArchive(Path archive) {
    Map<String, byte[]> files = untar(archive);
    try {
      JsonNode index = JSON.readTree(files.get("index.json"));
      JsonNode manifest = JSON.readTree(blob(files, index.get("manifests").get(0).get("digest").asText()));
      JsonNode config = JSON.readTree(blob(files, manifest.get("config").get("digest").asText())).get("config");
      Map<String, String> env = new TreeMap<>();
      for (JsonNode kv : iterable(config.get("Env"))) {
        String s = kv.asText();
        env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
      }
      List<String> ports = new ArrayList<>();
      config.path("ExposedPorts").fieldNames().forEachRemaining(p -> ports.add(p.replace("/tcp", "")));
      List<String> volumes = new ArrayList<>();
      config.path("Volumes").fieldNames().forEachRemaining(volumes::add);
      return new ImageDefinition(config.path("User").asText(null), strings(config.get("Entrypoint")), strings(config.get("Cmd")),
          env, ports, volumes, config.path("WorkingDir").asText(null));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the image config of " + archive, e);
    }
  }

  /** The reference (name:tag) an OCI archive's index annotates. */
  public static String ociReference(Path archive) {
    try {
      JsonNode index = JSON.readTree(untar(archive).get("index.json"));
      return index.get("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] blob(Map<String, byte[]> files, String digest) {
    byte[] b = files.get("blobs/" + digest.replace(':', '/'));
    if (b == null) {
      throw new IllegalStateException("blob " + digest + " missing from the archive");
    }
    return b;
  }

  /** Reads the small files of a tar (layers over 4 MiB are skipped: only metadata is wanted). */
  private static Map<String, byte[]> untar(Path archive) {
    Map<String, byte[]> files = new HashMap<>();
    try (InputStream in = Files.newInputStream(archive)) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512) {
        String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "").strip();
        if (name.isEmpty()) {
          break;
        }
        String prefix = new String(header, 345, 155, StandardCharsets.US_ASCII).replace("\0", "").strip();
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").strip(), 8);
        long padded = (size + 511) / 512 * 512;
        if (size < (4 << 20)) {
          byte[] data = in.readNBytes((int) size);
          files.put(name.startsWith("./") ? name.substring(2) : name, data);
          in.skipNBytes(padded - size);
        } else {
          in.skipNBytes(padded);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + archive, e);
    }
    return files;
  }

  private static List<String> logicalLines(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (current.length() == 0 && (line.startsWith("#") || line.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        out.add(current.append(line).toString().strip());
        current.setLength(0);
      }
    }
    return out;
  }

  /** Words separated by blanks, where a double-quoted part may hold blanks (KEY="a b"). */
  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    for (char c : text.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        word.append(c);
      } else if (Character.isWhitespace(c) && !quoted) {
        if (word.length() > 0) {
          out.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      out.add(word.toString());
    }
    return out;
  }

  private static List<String> jsonList(String arg) {
    try {
      return strings(JSON.readTree(arg));
    } catch (IOException e) {
      return List.of(arg.split("\\s+"));
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : iterable(array)) {
      out.add(n.asText());
    }
    return out;
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    return node == null || node.isNull() ? List.of() : node;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same definition with the environment restricted to the given keys (base images add their own). */
  public ImageDefinition withEnvOnly(java.util.Collection<String> keys) {
    Map<String, String> kept = new LinkedHashMap<>();
    keys.forEach(k -> {
      if (env.containsKey(k)) {
        kept.put(k, env.get(k));
      }
    });
    return new ImageDefinition(user, entrypoint, cmd, kept, ports, volumes, workingDir);
  }
}
