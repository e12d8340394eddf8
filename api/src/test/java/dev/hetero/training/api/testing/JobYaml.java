package dev.hetero.training.api.testing;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.validation.JobManifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one test fixture for HeteroTrainingJob manifests (shared by every module through the api
 * test-jar): a LeNet job on Fashion-MNIST with the schema's defaults, where each test states only
 * what it is about. Produces the YAML a user would apply, so tests exercise the same parser.
 *
 * <pre>{@code
 * JobYaml.named("two-workers").epochs(2).perWorkerBatch(32).cpuPool("cpu", 2).yaml()
 * }</pre>
 */
public final class JobYaml {
  /** Where Debian's dataset-fashion-mnist installs the files. */
  public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  private final String name;
  private String namespace;
  private String model = "lenet";
  private String dataset = "fashion-mnist";
  private String source = "{path: " + FASHION_MNIST + "}";
  private String algorithm;
  private Integer epochs = 1;
  private String batch = "{perWorker: 64}";
  private final Map<String, String> training = new LinkedHashMap<>();
  private final Map<String, String> sections = new LinkedHashMap<>();
  private final List<String> pools = new ArrayList<>();
  private final Map<String, String> labels = new LinkedHashMap<>();

  private JobYaml(String name) {
    this.name = name;
  }

  public static JobYaml named(String name) {
    return new JobYaml(name);
  }

  public JobYaml namespace(String ns) {
    this.namespace = ns;
    return this;
  }

  public JobYaml label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  public JobYaml model(String modelName) {
    this.model = modelName;
    return this;
  }

  /** A data set by name and its source as a YAML flow mapping, e.g. {@code {path: /data}}. */
  public JobYaml dataset(String datasetName, String sourceYaml) {
    this.dataset = datasetName;
    this.source = sourceYaml;
    return this;
  }

  public JobYaml dataPath(String path) {
    this.source = "{path: " + path + "}";
    return this;
  }

  public JobYaml algorithm(String wireName) {
    this.algorithm = wireName;
    return this;
  }

  /** null leaves the field out (the schema default applies). */
  public JobYaml epochs(Integer n) {
    this.epochs = n;
    return this;
  }

  public JobYaml globalBatch(int global) {
    this.batch = "{global: " + global + "}";
    return this;
  }

  public JobYaml perWorkerBatch(int perWorker) {
    this.batch = "{perWorker: " + perWorker + "}";
    return this;
  }

  /** Another field of spec.training, e.g. {@code training("seed", "7")} or {@code training("learningRate", "{initial: 0.05}")}. */
  public JobYaml training(String field, String valueYaml) {
    training.put(field, valueYaml);
    return this;
  }

  /**
   * Restart budgets with backoffs of a second or two (none for lost nodes), for tests that watch
   * restarts happen: {@code spec("runPolicy", "{backoffLimit: 1, restarts: " + FAST_RESTARTS + "}")}.
   */
  public static final String FAST_RESTARTS = "{podFailure: {initialBackoffSeconds: 1, maxBackoffSeconds: 2},"
      + " nodeLost: {initialBackoffSeconds: 0, maxBackoffSeconds: 0}, preempted: {initialBackoffSeconds: 1, maxBackoffSeconds: 2}}";

  /** A top-level spec section as YAML flow or block text, e.g. {@code spec("runPolicy", "{backoffLimit: 1}")}. */
  public JobYaml spec(String section, String valueYaml) {
    sections.put(section, valueYaml);
    return this;
  }

  public JobYaml cpuPool(String pool, int replicas) {
    return pool("{name: " + pool + ", deviceClass: cpu, replicas: " + replicas + "}");
  }

  public JobYaml gpuPool(String pool, int replicas) {
    return pool("{name: " + pool + ", deviceClass: gpu, replicas: " + replicas + "}");
  }

  /** A pool as a YAML flow mapping, or a block (indented lines after a first "name: ..." line). */
  public JobYaml pool(String poolYaml) {
    pools.add(poolYaml);
    return this;
  }

  public String yaml() {
    if (pools.isEmpty()) {
      throw new IllegalStateException("job " + name + ": add at least one pool");
    }
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: training.hetero.dev/v1alpha1\nkind: HeteroTrainingJob\nmetadata:\n  name: ").append(name).append('\n');
    if (namespace != null) {
      y.append("  namespace: ").append(namespace).append('\n');
    }
    if (!labels.isEmpty()) {
      y.append("  labels:\n");
      labels.forEach((k, v) -> y.append("    ").append(k).append(": \"").append(v).append("\"\n"));
    }
    y.append("spec:\n");
    y.append("  model: {name: ").append(model).append("}\n");
    y.append("  dataset: {name: ").append(dataset).append(", source: ").append(source).append("}\n");
    y.append("  training:\n");
    if (algorithm != null) {
      y.append("    algorithm: ").append(algorithm).append('\n');
    }
    if (epochs != null) {
      y.append("    epochs: ").append(epochs).append('\n');
    }
    y.append("    batch: ").append(batch).append('\n');
    training.forEach((k, v) -> y.append("    ").append(k).append(": ").append(v).append('\n'));
    sections.forEach((k, v) -> y.append("  ").append(k).append(": ").append(block(v, 4)).append('\n'));
    y.append("  pools:\n");
    for (String pool : pools) {
      y.append("  - ").append(block(pool, 4).stripLeading()).append('\n');
    }
    return y.toString();
  }

  /** The parsed job, as the one-machine runner and the tests read manifests. */
  public HeteroTrainingJob job() {
    HeteroTrainingJob job = JobManifests.parse(yaml(), name + ".yaml");
    if (namespace != null) {
      job.getMetadata().setNamespace(namespace);
    }
    return job;
  }

  /** Writes the manifest to {@code dir/<name>.yaml} and returns its path. */
  public Path writeTo(Path dir) {
    Path file = dir.resolve(name + ".yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Multi-line values continue on indented lines; one-line values stay on the key's line. */
  private static String block(String value, int indent) {
    if (!value.contains("\n")) {
      return value;
    }
    return "\n" + value.stripTrailing().indent(indent).stripTrailing();
  }
}
