package dev.hetero.training.api.validation;

import static dev.hetero.training.api.Fixtures.cpuPool;
import static dev.hetero.training.api.Fixtures.gpuPool;
import static dev.hetero.training.api.Fixtures.perWorker;
import static dev.hetero.training.api.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.Fixtures;
import dev.hetero.training.api.crd.CrdWriter;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.AggregationPolicy;
import dev.hetero.training.api.v1alpha1.AggregationSpec;
import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.BatchSpec;
import dev.hetero.training.api.v1alpha1.CheckpointClaimTemplate;
import dev.hetero.training.api.v1alpha1.CheckpointEmptyDir;
import dev.hetero.training.api.v1alpha1.CheckpointSpec;
import dev.hetero.training.api.v1alpha1.ClaimMount;
import dev.hetero.training.api.v1alpha1.ClassWeights;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.DatasetSource;
import dev.hetero.training.api.v1alpha1.DatasetSpec;
import dev.hetero.training.api.v1alpha1.DeviceClass;
import dev.hetero.training.api.v1alpha1.DisruptionBudget;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.HttpSource;
import dev.hetero.training.api.v1alpha1.LearningRateSpec;
import dev.hetero.training.api.v1alpha1.LocalStepsSpec;
import dev.hetero.training.api.v1alpha1.PoolSpec;
import dev.hetero.training.api.v1alpha1.RestartBackoff;
import dev.hetero.training.api.v1alpha1.RestartBudgets;
import dev.hetero.training.api.v1alpha1.RunPolicy;
import dev.hetero.training.api.v1alpha1.TrainingSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The one-machine runner has no API server, so SpecValidator restates the CRD's CEL rules.
 * For every rule in the committed CRD there is a spec here that breaks it, and the validator
 * must refuse it with the CRD's own message. A new CEL rule without a case here fails the test.
 */
class CelParityTest {
  private static final List<PoolSpec> ONE_POOL = List.of(cpuPool("cpu", 1));

  private static HeteroTrainingJobSpec withDataset(DatasetSource source) {
    HeteroTrainingJobSpec base = spec(perWorker(8), ONE_POOL);
    return new HeteroTrainingJobSpec(base.model(), new DatasetSpec(DatasetName.FASHION_MNIST, source), base.training(),
        null, null, null, ONE_POOL, null, null);
  }

  private static HeteroTrainingJobSpec withTraining(BatchSpec batch, LearningRateSpec lr) {
    HeteroTrainingJobSpec base = spec(perWorker(8), ONE_POOL);
    return new HeteroTrainingJobSpec(base.model(), base.dataset(),
        new TrainingSpec(Algorithm.LOCAL_SGD, 1, batch, null, lr, 1L), null, null, null, ONE_POOL, null, null);
  }

  private static HeteroTrainingJobSpec withAggregation(AggregationSpec aggregation) {
    return spec(Algorithm.LOCAL_SGD, perWorker(8), null, aggregation, ONE_POOL);
  }

  private static HeteroTrainingJobSpec withPool(PoolSpec pool) {
    return spec(perWorker(8), List.of(pool));
  }

  private static HeteroTrainingJobSpec withRunPolicy(RunPolicy runPolicy) {
    HeteroTrainingJobSpec base = spec(perWorker(8), ONE_POOL);
    return new HeteroTrainingJobSpec(base.model(), base.dataset(), base.training(), null, null, null, ONE_POOL, runPolicy, null);
  }

  private static HeteroTrainingJobSpec withCheckpoint(CheckpointSpec checkpoint) {
    HeteroTrainingJobSpec base = spec(perWorker(8), ONE_POOL);
    return new HeteroTrainingJobSpec(base.model(), base.dataset(), base.training(), null, null, null, ONE_POOL, null, checkpoint);
  }

  private static RunPolicy restarts(RestartBackoff pod, DisruptionBudget nodeLost, DisruptionBudget preempted) {
    return new RunPolicy(null, null, null, null, null, new RestartBudgets(pod, nodeLost, preempted));
  }

  private static final CheckpointClaimTemplate TEMPLATE = new CheckpointClaimTemplate("2Gi", null, null, null);
  private static final ClaimMount CLAIM = new ClaimMount("ckpt", null);

  /** A LeNet job with a cpu pool and a helpers pool whose spec.training.optimizer is the given YAML. */
  private static List<String> withOptimizer(String optimizerYaml, String... pools) {
    JobYaml job = JobYaml.named("opt").training("optimizer", optimizerYaml);
    for (String pool : pools.length == 0 ? new String[] {"cpu", "helpers"} : pools) {
      job.cpuPool(pool, 1);
    }
    try {
      job.job();
      return List.of();
    } catch (JobManifests.InvalidManifestException e) {
      String[] lines = e.getMessage().split("\n  - "); // the first line names the file, one problem per line after it
      return List.of(lines).subList(1, lines.length);
    }
  }

  private static final Map<String, Supplier<List<String>>> VIOLATIONS = new LinkedHashMap<>();

  static {
    VIOLATIONS.put("spec.checkpoint: set at most one of persistentVolumeClaim, claimTemplate or emptyDir"
        + " (none means a claimTemplate with its defaults)",
        () -> SpecValidator.validate(withCheckpoint(new CheckpointSpec(null, CLAIM, TEMPLATE, null, null))));
    VIOLATIONS.put("spec.checkpoint: the checkpoint volume (persistentVolumeClaim, claimTemplate, emptyDir) is immutable:"
        + " a running job would lose its checkpoints",
        () -> SpecValidator.validateUpdate(withCheckpoint(new CheckpointSpec(null, null, TEMPLATE, null, null)),
            withCheckpoint(new CheckpointSpec(null, null, null, new CheckpointEmptyDir(null), null))));
    VIOLATIONS.put("spec.runPolicy.restarts.podFailure.initialBackoffSeconds must not exceed"
        + " spec.runPolicy.restarts.podFailure.maxBackoffSeconds",
        () -> SpecValidator.validate(withRunPolicy(restarts(new RestartBackoff(60, 30), null, null))));
    VIOLATIONS.put("spec.runPolicy.restarts.nodeLost.initialBackoffSeconds must not exceed"
        + " spec.runPolicy.restarts.nodeLost.maxBackoffSeconds",
        () -> SpecValidator.validate(withRunPolicy(restarts(null, new DisruptionBudget(3, 60, 30), null))));
    VIOLATIONS.put("spec.runPolicy.restarts.preempted.initialBackoffSeconds must not exceed"
        + " spec.runPolicy.restarts.preempted.maxBackoffSeconds",
        () -> SpecValidator.validate(withRunPolicy(restarts(null, null, new DisruptionBudget(3, 60, 30)))));
    VIOLATIONS.put("spec.aggregation.gamma is required with policy power and not allowed with any other policy",
        () -> SpecValidator.validate(withAggregation(new AggregationSpec(AggregationPolicy.UNIFORM, 0.5, null, null))));
    VIOLATIONS.put("spec.aggregation.classWeights is required with policy explicit and not allowed with any other policy",
        () -> SpecValidator.validate(withAggregation(new AggregationSpec(AggregationPolicy.EXPLICIT, null, null, null))));
    VIOLATIONS.put("spec.aggregation.classWeights: at least one of gpu and cpu must be positive",
        () -> SpecValidator.validate(withAggregation(new AggregationSpec(AggregationPolicy.EXPLICIT, null, new ClassWeights(0.0, 0.0), null))));
    VIOLATIONS.put("spec.allocation.localSteps.base must not exceed spec.allocation.localSteps.max",
        () -> SpecValidator.validate(spec(Algorithm.LOCAL_SGD, perWorker(8),
            new AllocationSpec(null, null, null, new LocalStepsSpec(null, 9, 4)), null, ONE_POOL)));
    VIOLATIONS.put("spec.allocation.minBatchPerWorker must not exceed spec.allocation.maxBatchPerWorker",
        () -> SpecValidator.validate(spec(Algorithm.LOCAL_SGD, perWorker(8), new AllocationSpec(null, 64, 32, null), null, ONE_POOL)));
    VIOLATIONS.put("spec.dataset.source: set exactly one of path, persistentVolumeClaim or http",
        () -> SpecValidator.validate(withDataset(new DatasetSource("/data", null, new HttpSource("https://example.org/d/", null)))));
    VIOLATIONS.put("spec.pools[].minReplicas must not exceed spec.pools[].maxReplicas",
        () -> SpecValidator.validate(withPool(new PoolSpec("p", DeviceClass.CPU, null, 5, 2, null, null, null, null, null, null, null, null, null))));
    VIOLATIONS.put("spec.pools[].replicas must lie within [minReplicas, maxReplicas]",
        () -> SpecValidator.validate(withPool(new PoolSpec("p", DeviceClass.CPU, 9, 1, 4, null, null, null, null, null, null, null, null, null))));
    VIOLATIONS.put("spec.pools[].gpusPerWorker is only allowed when deviceClass is gpu",
        () -> SpecValidator.validate(withPool(new PoolSpec("p", DeviceClass.CPU, 1, null, null, 2, null, null, null, null, null, null, null, null))));
    VIOLATIONS.put("spec.pools[].deviceFallback cpu is only allowed when deviceClass is gpu",
        () -> SpecValidator.validate(withPool(new PoolSpec("p", DeviceClass.CPU, 1, null, null, null, null, null, null, null, null, null, null,
            dev.hetero.training.api.v1alpha1.DeviceFallback.CPU))));
    VIOLATIONS.put("spec.pools[].deviceClaim is only allowed when deviceClass is gpu",
        () -> SpecValidator.validate(withPool(new PoolSpec("p", DeviceClass.CPU, 1, null, null, null, null, null, null, null, null, null, null,
            null, new dev.hetero.training.api.v1alpha1.DeviceClaimSpec("gpu.nvidia.com")))));
    VIOLATIONS.put("spec.pools[].name must be unique within the job",
        () -> SpecValidator.validate(spec(perWorker(8), List.of(cpuPool("same", 1), gpuPool("same", 1)))));
    VIOLATIONS.put("spec.training.batch: set exactly one of global or perWorker",
        () -> SpecValidator.validate(withTraining(new BatchSpec(64, 8), null)));
    VIOLATIONS.put("spec.training.learningRate.milestones: every milestone must lie strictly between 0 and 1",
        () -> SpecValidator.validate(withTraining(perWorker(8), new LearningRateSpec(0.1, List.of(0.5, 1.0), 0.1))));
    VIOLATIONS.put("spec.training.optimizer.asyncSAM is required with method asyncSAM (it names the helperPool that computes"
        + " the ascent) and not allowed with any other method", () -> withOptimizer("{method: asyncSAM}"));
    VIOLATIONS.put("spec.training.optimizer.asyncSAM.perturbationBatch must be auto or a number of samples from 1 to 65536",
        () -> withOptimizer("{method: asyncSAM, asyncSAM: {helperPool: helpers, perturbationBatch: fast}}"));
    VIOLATIONS.put("spec.training.optimizer.asyncSAM.helperPool must name a pool of spec.pools",
        () -> withOptimizer("{method: asyncSAM, asyncSAM: {helperPool: gpu}}"));
    VIOLATIONS.put("spec.pools needs a pool besides spec.training.optimizer.asyncSAM.helperPool: its workers compute"
        + " perturbations for workers of the other pools, which train",
        () -> withOptimizer("{method: asyncSAM, asyncSAM: {helperPool: helpers}}", "helpers"));
    VIOLATIONS.put("spec.pools[].deviceClass is immutable: remove the pool and add it under a new name to change it",
        () -> SpecValidator.validateUpdate(spec(perWorker(8), List.of(cpuPool("p", 1))), spec(perWorker(8), List.of(gpuPool("p", 1)))));
  }

  @Test
  void everyCelRuleHasAJavaTwinWithTheSameMessage() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(Fixtures.repoRoot().resolve("crds").resolve(CrdWriter.FILE_NAME)), CustomResourceDefinition.class);
    List<String> crdMessages = dev.hetero.training.api.crd.CrdSchemaTest.celRules(crd).stream()
        .map(ValidationRule::getMessage).toList();

    assertThat(VIOLATIONS.keySet()).containsExactlyInAnyOrderElementsOf(crdMessages);
    VIOLATIONS.forEach((message, violate) ->
        assertThat(violate.get()).as("Java validation for: %s", message).anySatisfy(p -> assertThat(p).startsWith(message)));
  }

  @Test
  void digestsAreCheckedLikeTheSchemaPattern() {
    assertThat(SpecValidator.validate(withDataset(new DatasetSource(null, null,
        new HttpSource("https://example.org/d/", Map.of("train-images-idx3-ubyte.gz", "ABC"))))))
        .containsExactly("spec.dataset.source.http.sha256: every value must be a 64-character lower-case hex SHA-256"
            + " (file train-images-idx3-ubyte.gz)");
  }

  @Test
  void aValidSpecHasNoProblems() {
    assertThat(SpecValidator.validate(spec(perWorker(8), List.of(gpuPool("gpu", 2), cpuPool("cpu", 2))))).isEmpty();
  }

  @Test
  void boundsAreCheckedWithTheFieldNamed() {
    var tooManyEpochs = withTraining(perWorker(8), null);
    tooManyEpochs = new HeteroTrainingJobSpec(tooManyEpochs.model(), tooManyEpochs.dataset(),
        new TrainingSpec(null, 0, perWorker(0), null, new LearningRateSpec(-1.0, List.of(0.8, 0.6), 2.0), -5L),
        null, null, null, ONE_POOL, null, null);
    assertThat(SpecValidator.validate(tooManyEpochs)).containsExactlyInAnyOrder(
        "spec.training.epochs: must be within [1, 10000], got 0",
        "spec.training.seed: must be at least 0, got -5",
        "spec.training.batch.perWorker: must be within [1, 65536], got 0",
        "spec.training.learningRate.initial: must lie in (0, 10], got -1.0",
        "spec.training.learningRate.decayFactor: must lie in (0, 1], got 2.0",
        "spec.training.learningRate.milestones: must be increasing, got [0.8, 0.6]");
  }

  @Test
  void checkpointAndRestartFieldsAreCheckedWithTheFieldNamed() {
    assertThat(SpecValidator.validate(withCheckpoint(new CheckpointSpec(0, new ClaimMount("Bad_Name", null), null, null, 5))))
        .containsExactlyInAnyOrder(
            "spec.checkpoint.everyRounds: must be within [1, 1000000], got 0",
            "spec.checkpoint.terminationGracePeriodSeconds: must be within [10, 3600], got 5",
            "spec.checkpoint.persistentVolumeClaim.claimName: must be a valid object name, got 'Bad_Name'");
    assertThat(SpecValidator.validate(withCheckpoint(new CheckpointSpec(null, null,
        new CheckpointClaimTemplate("lots", null, List.of(), null), null, null))))
        .containsExactlyInAnyOrder(
            "spec.checkpoint.claimTemplate.size: must be a Kubernetes quantity such as 1Gi or 500Mi, got 'lots'",
            "spec.checkpoint.claimTemplate.accessModes: between 1 and 4 entries, got 0");
    assertThat(SpecValidator.validate(withCheckpoint(new CheckpointSpec(null, null, null, new CheckpointEmptyDir("1.5Gi"), null))))
        .isEmpty();
    assertThat(SpecValidator.validate(withRunPolicy(restarts(new RestartBackoff(-1, 10), new DisruptionBudget(1001, 0, 0), null))))
        .containsExactlyInAnyOrder(
            "spec.runPolicy.restarts.podFailure.initialBackoffSeconds: must be within [0, 86400], got -1",
            "spec.runPolicy.restarts.nodeLost.limit: must be within [0, 1000], got 1001");
    // the same volume again is no change
    CheckpointSpec same = new CheckpointSpec(10, CLAIM, null, null, null);
    assertThat(SpecValidator.validateUpdate(withCheckpoint(same), withCheckpoint(new CheckpointSpec(20, CLAIM, null, null, 30))))
        .isEmpty();
  }

  @Test
  void semanticCheckRefusesResnet20OnGreyImages() {
    HeteroTrainingJobSpec base = spec(perWorker(8), ONE_POOL);
    var resnetOnMnist = new HeteroTrainingJobSpec(new dev.hetero.training.api.v1alpha1.ModelSpec(
        dev.hetero.training.api.v1alpha1.ModelName.RESNET20), base.dataset(), base.training(), null, null, null, ONE_POOL, null, null);
    assertThat(SpecValidator.validate(resnetOnMnist)).singleElement().asString()
        .startsWith("spec.model.name: resnet20").contains("cifar10");
  }
}
