package dev.hetero.training.trainer.cli;

import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.trainer.bench.BenchOptions;
import dev.hetero.training.trainer.runner.RunOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Parses the sub-commands' flags; every mistake is a UsageException naming the flag. */
final class Flags {
  private Flags() {
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  static RunOptions runOptions(String[] args) {
    Path manifest = null;
    Algorithm algorithm = null;
    Integer epochs = null;
    Path out = null;
    Path dataDir = null;
    boolean virtual = false;
    int evals = 1;
    boolean quiet = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--algorithm" -> algorithm = algorithm(value(args, ++i, a));
        case "--epochs" -> epochs = positive(value(args, ++i, a), a);
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
        case "--clock" -> {
          String v = value(args, ++i, a);
          if (!v.equals("wall") && !v.equals("virtual")) {
            throw new UsageException("--clock must be wall or virtual, got '" + v + "'");
          }
          virtual = v.equals("virtual");
        }
        case "--evals-per-epoch" -> evals = positive(value(args, ++i, a), a);
        case "--quiet" -> quiet = true;
        default -> {
          if (a.startsWith("--") || manifest != null) {
            throw new UsageException("unexpected argument '" + a + "'");
          }
          manifest = Path.of(a);
        }
      }
    }
    if (manifest == null) {
      throw new UsageException("run needs a HeteroTrainingJob YAML file");
    }
    return new RunOptions(manifest, algorithm, epochs, out, dataDir, virtual, evals, quiet, null);
  }

  static BenchOptions benchOptions(String[] args) {
    BenchOptions o = BenchOptions.defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--epochs" -> o = o.withEpochs(positive(value(args, ++i, a), a));
        case "--slowdown" -> o = o.withSlowdown(number(value(args, ++i, a), a));
        case "--data-dir" -> o = o.withDataDir(Path.of(value(args, ++i, a)));
        case "--out" -> o = o.withOutputDir(Path.of(value(args, ++i, a)));
        case "--lr" -> o = o.withLearningRate(number(value(args, ++i, a), a));
        case "--batch" -> o = o.withBatch(positive(value(args, ++i, a), a));
        case "--seed" -> o = o.withSeed(positive(value(args, ++i, a), a));
        case "--evals-per-epoch" -> o = o.withEvaluationsPerEpoch(positive(value(args, ++i, a), a));
        case "--scenarios" -> {
          List<String> names = Arrays.asList(value(args, ++i, a).split(","));
          for (String n : names) {
            if (!BenchOptions.ALL_SCENARIOS.contains(n)) {
              throw new UsageException("--scenarios: unknown scenario '" + n + "' (known: " + BenchOptions.ALL_SCENARIOS + ")");
            }
          }
          o = o.withScenarios(names);
        }
        default -> throw new UsageException("unexpected argument '" + a + "'");
      }
    }
    return o;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new UsageException(flag + " needs a value");
    }
    return args[i];
  }

  private static Algorithm algorithm(String v) {
    for (Algorithm a : Algorithm.values()) {
      if (a.wireName().equals(v)) {
        return a;
      }
    }
    throw new UsageException("--algorithm must be syncSGD, localSGD or biasedLocalSGD, got '" + v + "'");
  }

  private static int positive(String v, String flag) {
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new UsageException(flag + " must be a positive integer, got '" + v + "'");
  }

  private static double number(String v, String flag) {
    try {
      double d = Double.parseDouble(v);
      if (d > 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new UsageException(flag + " must be a positive number, got '" + v + "'");
  }
}
