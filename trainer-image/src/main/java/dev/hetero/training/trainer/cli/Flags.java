package dev.hetero.training.trainer.cli;

import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.api.v1alpha1.WireNamed;
import dev.hetero.training.trainer.bench.StepBench;
import dev.hetero.training.trainer.bench.BenchOptions;
import dev.hetero.training.trainer.bench.CheckpointBench;
import dev.hetero.training.trainer.bench.RebalanceBenchOptions;
import dev.hetero.training.trainer.bench.SamBenchOptions;
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
    return new RunOptions(manifest, algorithm, epochs, out, dataDir, virtual, evals, quiet);
  }

  static StepBench.Options stepBenchOptions(String[] args) {
    StepBench.Options d = StepBench.Options.defaults();
    List<ModelName> models = d.models();
    List<Integer> batches = d.batches();
    ai.djl.Device device = d.device();
    int warmup = d.warmup();
    int steps = d.steps();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--models" -> models = Arrays.stream(value(args, ++i, a).split(",")).map(m -> model(m, a)).toList();
        case "--batches" -> batches = Arrays.stream(value(args, ++i, a).split(",")).map(b -> positive(b, a)).toList();
        case "--device" -> device = deviceClass(value(args, ++i, a), a) == DeviceClass.GPU ? ai.djl.Device.gpu(0) : ai.djl.Device.cpu();
        case "--warmup" -> warmup = positive(value(args, ++i, a), a);
        case "--steps" -> steps = positive(value(args, ++i, a), a);
        default -> throw new UsageException("unexpected argument '" + a + "'");
      }
    }
    return new StepBench.Options(models, batches, device, warmup, steps, d.seed());
  }

  private static ModelName model(String name, String flag) {
    try {
      return WireNamed.parse(ModelName.class, name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": unknown model '" + name + "' (mlp, lenet, resnet20)");
    }
  }

  /** selfcheck's only flag: --device cpu (default) or gpu. */
  static DeviceClass selfCheckDevice(String[] args) {
    DeviceClass device = DeviceClass.CPU;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.equals("--device")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      device = deviceClass(value(args, ++i, a), a);
    }
    return device;
  }

  static DeviceClass deviceClass(String v, String flag) {
    return switch (v) {
      case "cpu" -> DeviceClass.CPU;
      case "gpu" -> DeviceClass.GPU;
      default -> throw new UsageException(flag + " must be cpu or gpu, got '" + v + "'");
    };
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

  static RebalanceBenchOptions rebalanceBenchOptions(String[] args) {
    RebalanceBenchOptions d = RebalanceBenchOptions.defaults();
    int epochs = d.epochs();
    int change = d.changeRound();
    double slowdown = d.slowdown();
    int base = d.base();
    int batch = d.batch();
    double lr = d.learningRate();
    long seed = d.seed();
    int evals = d.evaluationsPerEpoch();
    Path data = d.dataDir();
    Path out = d.outputDir();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--epochs" -> epochs = positive(value(args, ++i, a), a);
        case "--change-round" -> change = positive(value(args, ++i, a), a);
        case "--slowdown" -> slowdown = number(value(args, ++i, a), a);
        case "--base" -> base = positive(value(args, ++i, a), a);
        case "--batch" -> batch = positive(value(args, ++i, a), a);
        case "--lr" -> lr = number(value(args, ++i, a), a);
        case "--seed" -> seed = positive(value(args, ++i, a), a);
        case "--evals-per-epoch" -> evals = positive(value(args, ++i, a), a);
        case "--data-dir" -> data = Path.of(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        default -> throw new UsageException("unexpected argument '" + a + "'");
      }
    }
    if (!(slowdown >= 1)) {
      throw new UsageException("--slowdown must be at least 1, got " + slowdown);
    }
    return new RebalanceBenchOptions(epochs, change, slowdown, base, batch, lr, seed, evals, data, out);
  }

  static CheckpointBench.Options checkpointBenchOptions(String[] args) {
    CheckpointBench.Options o = CheckpointBench.Options.defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--workers" -> o = new CheckpointBench.Options(positive(value(args, ++i, a), a), o.writes(), o.dir());
        case "--writes" -> o = new CheckpointBench.Options(o.workers(), positive(value(args, ++i, a), a), o.dir());
        case "--dir" -> o = new CheckpointBench.Options(o.workers(), o.writes(), Path.of(value(args, ++i, a)));
        default -> throw new UsageException("unexpected argument '" + a + "'");
      }
    }
    return o;
  }

  static SamBenchOptions samBenchOptions(String[] args) {
    SamBenchOptions d = SamBenchOptions.defaults();
    int epochs = d.epochs();
    int seeds = d.seeds();
    int batch = d.batch();
    double lr = d.learningRate();
    double rho = d.rho();
    int staleness = d.staleness();
    String perturbationBatch = d.perturbationBatch();
    double slowdown = d.helperSlowdown();
    int steps = d.localSteps();
    List<String> methods = d.methods();
    Path data = d.dataDir();
    Path out = d.outputDir();
    int evals = d.evaluationsPerEpoch();
    boolean live = d.live();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--epochs" -> epochs = positive(value(args, ++i, a), a);
        case "--seeds" -> seeds = positive(value(args, ++i, a), a);
        case "--batch" -> batch = positive(value(args, ++i, a), a);
        case "--lr" -> lr = number(value(args, ++i, a), a);
        case "--rho" -> rho = number(value(args, ++i, a), a);
        case "--staleness" -> staleness = nonNegative(value(args, ++i, a), a);
        case "--perturbation-batch" -> {
          perturbationBatch = value(args, ++i, a);
          if (!perturbationBatch.equals("auto")) {
            positive(perturbationBatch, a);
          }
        }
        case "--helper-slowdown" -> slowdown = number(value(args, ++i, a), a);
        case "--local-steps" -> steps = positive(value(args, ++i, a), a);
        case "--methods" -> {
          methods = Arrays.asList(value(args, ++i, a).split(","));
          for (String m : methods) {
            if (!SamBenchOptions.ALL_METHODS.contains(m)) {
              throw new UsageException("--methods: unknown method '" + m + "' (known: " + SamBenchOptions.ALL_METHODS + ")");
            }
          }
        }
        case "--data-dir" -> data = Path.of(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--evals-per-epoch" -> evals = positive(value(args, ++i, a), a);
        case "--live" -> live = true;
        default -> throw new UsageException("unexpected argument '" + a + "'");
      }
    }
    return new SamBenchOptions(epochs, seeds, batch, lr, rho, staleness, perturbationBatch, slowdown, steps, methods, data, out, evals,
        live);
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

  private static int nonNegative(String v, String flag) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new UsageException(flag + " must be 0 or a positive integer, got '" + v + "'");
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
