package dev.hetero.training.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, from the module's working directory. */
final class Repo {
  static final String CRD_FILE = "heterotrainingjobs.training.hetero.dev-v1.yml";
  static final String CRD_NAME = "heterotrainingjobs.training.hetero.dev";

  private Repo() {
  }

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("crds").resolve(CRD_FILE))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (crds/" + CRD_FILE + ")");
    }
    return dir;
  }
}
