package dev.hetero.training.trainer.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.hetero.training.api.contract.PlanCodec;
import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.coordinator.AppliedRound;
import dev.hetero.training.trainer.data.IdxFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plan in, execution out: a local run of a fast and a four-times-slower worker with each
 * algorithm, where the weights, local steps and batches the coordinator reports it applied
 * (its {@code @htj applied} event lines) are the plan's entries, as the planner wrote them.
 */
class PlanExecutionTest {
  @TempDir
  static Path data;

  @TempDir
  Path tmp;

  @BeforeAll
  static void smallData() throws Exception {
    IdxFiles.writeFashionMnistHead(data, 2048, 300);
  }

  @ParameterizedTest
  @ValueSource(strings = {"syncSGD", "localSGD", "biasedLocalSGD"})
  void theCoordinatorAppliesThePlansWeightsAndSteps(String algorithm) throws Exception {
    JobYaml job = JobYaml.named("exec-" + algorithm.toLowerCase()).model("mlp").algorithm(algorithm);
    // synchronous SGD balances by batch (capacity-proportional), local SGD by local steps (equal batches)
    Path yaml = (algorithm.equals("syncSGD") ? job.globalBatch(80) : job.perWorkerBatch(32))
        .training("learningRate", "{initial: 0.05}").spec("allocation", "{localSteps: {policy: equalTime, base: 1}}")
        .spec("aggregation", "{policy: workProportional}").spec("sampling", "{biased: true, role: slow}")
        .pool("{name: fast, deviceClass: cpu, replicas: 1}")
        .pool("{name: slow, deviceClass: cpu, replicas: 1, simulatedSlowdown: 4}").dataPath(data.toString()).writeTo(tmp);
    Path out = tmp.resolve("out");
    RunSummary summary = RunnerAccess.runner(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .run(new RunOptions(yaml, null, null, out, null, true, 1, true));

    List<PlannedWorker> plan = PlanCodec.fromJson(Files.readString(out.resolve("plan.json"))).workers();
    assertThat(summary.plan()).as("the summary shows the plan as planned").isEqualTo(plan);
    expectTheAlgorithmsShape(algorithm, plan);
    assertThat(summary.applied()).as("applied work was reported").isNotEmpty();
    assertThat(summary.applied().get(0).round()).isEqualTo(1);
    double sum = plan.stream().mapToDouble(PlannedWorker::weight).sum();
    for (AppliedRound applied : summary.applied()) {
      assertThat(applied.planVersion()).isEqualTo(1);
      for (PlannedWorker w : plan) {
        int rank = w.rank();
        assertThat(applied.weights()[rank]).as("round %d, %s's weight", applied.round(), w.worker())
            .isCloseTo(w.weight() / sum, offset(1e-6));
        assertThat(applied.steps()[rank]).as("round %d, %s's local steps", applied.round(), w.worker())
            .isEqualTo(w.localSteps());
        assertThat(applied.batches()[rank]).as("round %d, %s's batch", applied.round(), w.worker()).isEqualTo(w.batchSize());
      }
    }
    // every round, not only the reported ones, did the planned work: rounds x sum of batch x steps
    long perRound = plan.stream().mapToLong(PlannedWorker::samplesPerRound).sum();
    assertThat(summary.samples()).isEqualTo(summary.rounds() * perRound);
    assertThat(summary.workerDigests()).allMatch(d -> d.equals(summary.modelDigest()));
  }

  /** What each algorithm's plan looks like here, so the comparison above compares something. */
  private static void expectTheAlgorithmsShape(String algorithm, List<PlannedWorker> plan) {
    PlannedWorker fast = plan.get(0);
    PlannedWorker slow = plan.get(1);
    switch (algorithm) {
      case "syncSGD" -> {
        assertThat(fast.batchSize()).as("capacity-proportional batches").isGreaterThan(slow.batchSize());
        assertThat(plan).extracting(PlannedWorker::localSteps).containsOnly(1);
        assertThat(fast.weight() / slow.weight()).isCloseTo(fast.batchSize() / (double) slow.batchSize(), offset(1e-4));
      }
      case "localSGD" -> {
        assertThat(fast.localSteps()).isGreaterThan(slow.localSteps());
        assertThat(plan).extracting(PlannedWorker::weight).containsOnly(0.5);
      }
      default -> {
        assertThat(fast.localSteps()).isGreaterThan(slow.localSteps());
        assertThat(fast.weight() / slow.weight())
            .isCloseTo(fast.samplesPerRound() / (double) slow.samplesPerRound(), offset(1e-4));
      }
    }
  }
}
