package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.BatchSpec;
import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.DatasetSource;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.LearningRateSpec;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import dev.hetero.training.api.v1alpha1.SamplingSpec;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CRD's rules (bounds, enums, CEL) restated in Java for places without an API server (the
 * one-machine runner) plus the semantic checks a schema cannot express (model and data set fit
 * together). Every problem names its field, with the same wording as the CRD's messages.
 * A test keeps the CEL messages and these in step.
 */
public final class SpecValidator {
  private static final Pattern POOL_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern CLAIM_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
  private static final Pattern URL = Pattern.compile("^https?://[^\\s]+$");
  private static final Pattern SHA256 = Pattern.compile("^[a-f0-9]{64}$");

  private SpecValidator() {
  }

  /** Every problem found; empty when the spec is valid. */
  public static List<String> validate(HeteroTrainingJobSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: required");
      return problems;
    }
    if (spec.model() == null || spec.model().name() == null) {
      problems.add("spec.model.name: required (one of mlp, lenet, resnet20)");
    }
    dataset(spec, problems);
    training(spec.training(), problems);
    allocation(spec.allocation(), problems);
    sampling(spec.sampling(), problems);
    aggregation(spec.aggregation(), problems);
    pools(spec.pools(), problems);
    runPolicy(spec.runPolicy(), problems);
    checkpoint(spec.checkpoint(), problems);
    if (problems.isEmpty()) {
      problems.addAll(semantic(spec));
    }
    return List.copyOf(problems);
  }

  /** Rules an update must follow on top of {@link #validate}: a pool's deviceClass is immutable. */
  public static List<String> validateUpdate(HeteroTrainingJobSpec oldSpec, HeteroTrainingJobSpec newSpec) {
    List<String> problems = new ArrayList<>(validate(newSpec));
    if (oldSpec != null && oldSpec.pools() != null && newSpec != null && newSpec.pools() != null) {
      for (PoolSpec p : newSpec.pools()) {
        for (PoolSpec o : oldSpec.pools()) {
          if (Objects.equals(o.name(), p.name()) && o.deviceClass() != p.deviceClass()) {
            problems.add("spec.pools[].deviceClass is immutable: remove the pool and add it under a new name to change it"
                + " (pool " + p.name() + ")");
          }
        }
      }
    }
    return List.copyOf(problems);
  }

  /** Checks the schema cannot express: which models take which data sets. */
  public static List<String> semantic(HeteroTrainingJobSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.model() != null && spec.dataset() != null && spec.model().name() == ModelName.RESNET20
        && spec.dataset().name() != DatasetName.CIFAR10) {
      problems.add("spec.model.name: resnet20 is the CIFAR ResNet-20 and needs dataset cifar10 (3x32x32 colour images),"
          + " not " + spec.dataset().name().wireName() + "; use lenet or mlp for 28x28 grey images");
    }
    return problems;
  }

  private static void dataset(HeteroTrainingJobSpec spec, List<String> problems) {
    if (spec.dataset() == null) {
      problems.add("spec.dataset: required");
      return;
    }
    if (spec.dataset().name() == null) {
      problems.add("spec.dataset.name: required (one of fashion-mnist, mnist, cifar10)");
    }
    DatasetSource source = spec.dataset().source();
    if (source == null) {
      problems.add("spec.dataset.source: required");
      return;
    }
    int set = (source.path() != null ? 1 : 0) + (source.persistentVolumeClaim() != null ? 1 : 0) + (source.http() != null ? 1 : 0);
    if (set != 1) {
      problems.add("spec.dataset.source: set exactly one of path, persistentVolumeClaim or http");
    }
    if (source.path() != null && !source.path().startsWith("/")) {
      problems.add("spec.dataset.source.path: must be an absolute path, got '" + source.path() + "'");
    }
    if (source.persistentVolumeClaim() != null) {
      String claim = source.persistentVolumeClaim().claimName();
      if (claim == null || claim.length() > 253 || !CLAIM_NAME.matcher(claim).matches()) {
        problems.add("spec.dataset.source.persistentVolumeClaim.claimName: must be a valid object name, got '" + claim + "'");
      }
    }
    if (source.http() != null) {
      String url = source.http().url();
      if (url == null || url.length() > 2048 || !URL.matcher(url).matches()) {
        problems.add("spec.dataset.source.http.url: must be an http:// or https:// URL, got '" + url + "'");
      }
      if (source.http().sha256() != null) {
        source.http().sha256().forEach((file, digest) -> {
          if (digest == null || !SHA256.matcher(digest).matches()) {
            problems.add("spec.dataset.source.http.sha256: every value must be a 64-character lower-case hex SHA-256"
                + " (file " + file + ")");
          }
        });
      }
    }
  }

  private static void training(TrainingSpec t, List<String> problems) {
    if (t == null) {
      problems.add("spec.training: required");
      return;
    }
    range(problems, "spec.training.epochs", t.epochs(), 1, 10000);
    range(problems, "spec.training.seed", t.seed(), 0, Long.MAX_VALUE);
    BatchSpec b = t.batch();
    if (b == null) {
      problems.add("spec.training.batch: required (set global or perWorker)");
    } else {
      if ((b.global() != null) == (b.perWorker() != null)) {
        problems.add("spec.training.batch: set exactly one of global or perWorker");
      }
      range(problems, "spec.training.batch.global", b.global(), 1, 1048576);
      range(problems, "spec.training.batch.perWorker", b.perWorker(), 1, 65536);
    }
    OptimizerSpec o = t.optimizer();
    if (o != null) {
      if (o.momentum() != null && !(o.momentum() >= 0 && o.momentum() < 1)) {
        problems.add("spec.training.optimizer.momentum: must lie in [0, 1), got " + o.momentum());
      }
      range(problems, "spec.training.optimizer.weightDecay", o.weightDecay(), 0, 1);
    }
    LearningRateSpec lr = t.learningRate();
    if (lr != null) {
      if (lr.initial() != null && !(lr.initial() > 0 && lr.initial() <= 10)) {
        problems.add("spec.training.learningRate.initial: must lie in (0, 10], got " + lr.initial());
      }
      if (lr.decayFactor() != null && !(lr.decayFactor() > 0 && lr.decayFactor() <= 1)) {
        problems.add("spec.training.learningRate.decayFactor: must lie in (0, 1], got " + lr.decayFactor());
      }
      if (lr.milestones() != null) {
        if (lr.milestones().size() > 8) {
          problems.add("spec.training.learningRate.milestones: at most 8 milestones, got " + lr.milestones().size());
        }
        double previous = 0;
        for (Double m : lr.milestones()) {
          if (m == null || !(m > 0.0 && m < 1.0)) {
            problems.add("spec.training.learningRate.milestones: every milestone must lie strictly between 0 and 1");
            break;
          }
          if (m <= previous) {
            problems.add("spec.training.learningRate.milestones: must be increasing, got " + lr.milestones());
            break;
          }
          previous = m;
        }
      }
    }
  }

  private static void allocation(AllocationSpec a, List<String> problems) {
    if (a == null) {
      return;
    }
    range(problems, "spec.allocation.minBatchPerWorker", a.minBatchPerWorker(), 1, 65536);
    range(problems, "spec.allocation.maxBatchPerWorker", a.maxBatchPerWorker(), 1, 65536);
    if (a.minBatchPerWorker() != null && a.maxBatchPerWorker() != null && a.minBatchPerWorker() > a.maxBatchPerWorker()) {
      problems.add("spec.allocation.minBatchPerWorker must not exceed spec.allocation.maxBatchPerWorker");
    }
    LocalStepsSpec s = a.localSteps();
    if (s != null) {
      range(problems, "spec.allocation.localSteps.base", s.base(), 1, 10000);
      range(problems, "spec.allocation.localSteps.max", s.max(), 1, 100000);
      if (s.base() != null && s.max() != null && s.base() > s.max()) {
        problems.add("spec.allocation.localSteps.base must not exceed spec.allocation.localSteps.max");
      }
    }
  }

  private static void sampling(SamplingSpec s, List<String> problems) {
    if (s == null) {
      return;
    }
    range(problems, "spec.sampling.candidateRatio", s.candidateRatio(), 1, 64);
    if (s.slowCapacityRatio() != null && !(s.slowCapacityRatio() > 0 && s.slowCapacityRatio() <= 1)) {
      problems.add("spec.sampling.slowCapacityRatio: must lie in (0, 1], got " + s.slowCapacityRatio());
    }
  }

  private static void aggregation(AggregationSpec a, List<String> problems) {
    if (a == null) {
      return;
    }
    AggregationPolicy policy = a.policy() == null ? AggregationPolicy.UNIFORM : a.policy();
    if ((a.gamma() != null) != (policy == AggregationPolicy.POWER)) {
      problems.add("spec.aggregation.gamma is required with policy power and not allowed with any other policy");
    }
    range(problems, "spec.aggregation.gamma", a.gamma(), 0, 1);
    if ((a.classWeights() != null) != (policy == AggregationPolicy.EXPLICIT)) {
      problems.add("spec.aggregation.classWeights is required with policy explicit and not allowed with any other policy");
    }
    if (a.classWeights() != null) {
      Double gpu = a.classWeights().gpu();
      Double cpu = a.classWeights().cpu();
      if (gpu == null || cpu == null) {
        problems.add("spec.aggregation.classWeights: both gpu and cpu are required");
      } else {
        range(problems, "spec.aggregation.classWeights.gpu", gpu, 0, 1000000);
        range(problems, "spec.aggregation.classWeights.cpu", cpu, 0, 1000000);
        if (!(gpu + cpu > 0)) {
          problems.add("spec.aggregation.classWeights: at least one of gpu and cpu must be positive");
        }
      }
    }
  }

  private static void pools(List<PoolSpec> pools, List<String> problems) {
    if (pools == null || pools.isEmpty()) {
      problems.add("spec.pools: at least one pool is required");
      return;
    }
    if (pools.size() > 16) {
      problems.add("spec.pools: at most 16 pools, got " + pools.size());
    }
    Set<String> names = new HashSet<>();
    for (PoolSpec p : pools) {
      String at = "spec.pools[" + p.name() + "]";
      if (p.name() == null || p.name().length() > 24 || !POOL_NAME.matcher(p.name()).matches()) {
        problems.add("spec.pools[].name: must be a DNS label of at most 24 characters, got '" + p.name() + "'");
      } else if (!names.add(p.name())) {
        problems.add("spec.pools[].name must be unique within the job (" + p.name() + " repeats)");
      }
      if (p.deviceClass() == null) {
        problems.add(at + ".deviceClass: required (gpu or cpu)");
      }
      range(problems, at + ".replicas", p.replicas(), 0, 1024);
      range(problems, at + ".minReplicas", p.minReplicas(), 0, 1024);
      range(problems, at + ".maxReplicas", p.maxReplicas(), 1, 1024);
      int min = p.minReplicas() == null ? Integer.parseInt(dev.hetero.training.api.v1alpha1.Defaults.MIN_REPLICAS) : p.minReplicas();
      int max = p.maxReplicas() == null ? Integer.parseInt(dev.hetero.training.api.v1alpha1.Defaults.MAX_REPLICAS) : p.maxReplicas();
      if (min > max) {
        problems.add("spec.pools[].minReplicas must not exceed spec.pools[].maxReplicas (pool " + p.name() + ")");
      }
      if (p.replicas() != null && (p.replicas() < min || p.replicas() > max)) {
        problems.add("spec.pools[].replicas must lie within [minReplicas, maxReplicas] (pool " + p.name()
            + ": " + p.replicas() + " not in [" + min + ", " + max + "])");
      }
      if (p.gpusPerWorker() != null && p.deviceClass() != DeviceClass.GPU) {
        problems.add("spec.pools[].gpusPerWorker is only allowed when deviceClass is gpu (pool " + p.name() + ")");
      }
      range(problems, at + ".gpusPerWorker", p.gpusPerWorker(), 1, 16);
      range(problems, at + ".cpusPerWorker", p.cpusPerWorker(), 1, 256);
      if (p.capacityPerWorker() != null && !(p.capacityPerWorker() > 0 && p.capacityPerWorker() <= 1000000)) {
        problems.add(at + ".capacityPerWorker: must lie in (0, 1000000], got " + p.capacityPerWorker());
      }
      range(problems, at + ".simulatedSlowdown", p.simulatedSlowdown(), 1, 1000);
    }
  }

  private static void runPolicy(RunPolicy r, List<String> problems) {
    if (r == null) {
      return;
    }
    range(problems, "spec.runPolicy.backoffLimit", r.backoffLimit(), 0, 1000);
    range(problems, "spec.runPolicy.activeDeadlineSeconds", r.activeDeadlineSeconds(), 1, Long.MAX_VALUE);
    range(problems, "spec.runPolicy.ttlSecondsAfterFinished", r.ttlSecondsAfterFinished(), 0, Integer.MAX_VALUE);
  }

  private static void checkpoint(CheckpointSpec c, List<String> problems) {
    if (c == null) {
      return;
    }
    range(problems, "spec.checkpoint.everyRounds", c.everyRounds(), 1, 1000000);
  }

  private static void range(List<String> problems, String field, Number value, double min, double max) {
    if (value == null) {
      return;
    }
    double v = value.doubleValue();
    if (Double.isNaN(v) || v < min || v > max) {
      String bound = max >= Long.MAX_VALUE || max >= Integer.MAX_VALUE ? "at least " + fmt(min) : "within [" + fmt(min) + ", " + fmt(max) + "]";
      problems.add(field + ": must be " + bound + ", got " + value);
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
