package dev.hetero.training.trainer.data;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.DatasetSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and reads a data set's original files: from a directory (the source's path, a mounted
 * claim, or HTJ_DATA_DIR) or from an http(s) base URL through the download cache.
 */
public final class DatasetLoader {
  static final List<String> IDX_TRAIN = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte");
  static final List<String> IDX_TEST = List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
  static final List<String> CIFAR_TRAIN = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
      "data_batch_4.bin", "data_batch_5.bin");
  static final List<String> CIFAR_TEST = List.of("test_batch.bin");

  private DatasetLoader() {
  }

  /**
   * @param dataDir directory to read from, overriding the source's path (a pod's mount); for http
   *     sources the download cache; may be null
   */
  public static TrainTestData load(DatasetName name, DatasetSource source, Path dataDir) {
    if (source != null && source.http() != null) {
      Path cache = dataDir != null ? dataDir : defaultCache(Path.of(System.getProperty("user.home")));
      HttpFetcher fetcher = new HttpFetcher(cache, Duration.ofSeconds(60));
      return read(name, file -> fetcher.fetch(source.http().url(), remoteName(name, file), source.http().sha256()));
    }
    Path dir = dataDir;
    if (dir == null && source != null && source.path() != null) {
      dir = Path.of(source.path());
    }
    if (dir == null) {
      throw new IllegalArgumentException("dataset " + name.wireName() + ": no directory to read from: set "
          + "spec.dataset.source.path, or HTJ_DATA_DIR for a mounted persistentVolumeClaim");
    }
    return fromDirectory(name, dir);
  }

  public static TrainTestData fromDirectory(DatasetName name, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DataFormatException(dir, Files.exists(dir) ? "not a directory" : "no such directory");
    }
    Path base = dir;
    if (name == DatasetName.CIFAR10 && !Files.exists(dir.resolve(CIFAR_TEST.get(0)))
        && Files.isDirectory(dir.resolve("cifar-10-batches-bin"))) {
      base = dir.resolve("cifar-10-batches-bin");
    }
    Path root = base;
    return read(name, file -> localFile(root, file));
  }

  private interface FileSource {
    Path resolve(String file);
  }

  private static TrainTestData read(DatasetName name, FileSource files) {
    if (name == DatasetName.CIFAR10) {
      List<Path> train = new ArrayList<>();
      CIFAR_TRAIN.forEach(f -> train.add(files.resolve(f)));
      return new TrainTestData(CifarReader.read(name.wireName() + "/train", train),
          CifarReader.read(name.wireName() + "/test", List.of(files.resolve(CIFAR_TEST.get(0)))));
    }
    return new TrainTestData(readIdx(name, "train", files.resolve(IDX_TRAIN.get(0)), files.resolve(IDX_TRAIN.get(1))),
        readIdx(name, "test", files.resolve(IDX_TEST.get(0)), files.resolve(IDX_TEST.get(1))));
  }

  private static ImageDataset readIdx(DatasetName name, String split, Path imagesFile, Path labelsFile) {
    IdxReader.Images images = IdxReader.readImages(imagesFile);
    byte[] labels = IdxReader.readLabels(labelsFile, name.classes());
    if (images.rows() != name.imageSize() || images.columns() != name.imageSize()) {
      throw new DataFormatException(imagesFile, "images are " + images.rows() + "x" + images.columns() + ", "
          + name.wireName() + " needs " + name.imageSize() + "x" + name.imageSize());
    }
    if (labels.length != images.count()) {
      throw new DataFormatException(labelsFile, labels.length + " labels for " + images.count() + " images in " + imagesFile);
    }
    return new ImageDataset(name.wireName() + "/" + split, 1, images.rows(), images.columns(), name.classes(),
        images.pixels(), labels);
  }

  /** The raw file when present, else its .gz; a message naming both when neither exists. */
  private static Path localFile(Path dir, String file) {
    Path raw = dir.resolve(file);
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    if (!file.endsWith(".bin")) {
      Path gz = dir.resolve(file + ".gz");
      if (Files.isRegularFile(gz)) {
        return gz;
      }
      throw new DataFormatException(raw, "no such file (nor " + gz.getFileName() + ")");
    }
    throw new DataFormatException(raw, "no such file");
  }

  /** Name under the base URL: IDX files are published gzip-compressed. */
  private static String remoteName(DatasetName name, String file) {
    return name == DatasetName.CIFAR10 ? file : file + ".gz";
  }

  /** The http download cache when HTJ_DATA_DIR does not name one. */
  public static Path defaultCache(Path userHome) {
    return userHome.resolve(".cache").resolve("hetero-trainer").resolve("data");
  }
}
