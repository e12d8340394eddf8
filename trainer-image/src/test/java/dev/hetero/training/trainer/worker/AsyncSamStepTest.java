package dev.hetero.training.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.algo.PerturbationBatchTuner;
import dev.hetero.training.trainer.ascent.Perturbation;
import dev.hetero.training.trainer.ascent.PerturbationLink;
import dev.hetero.training.trainer.ascent.PerturbationMailbox;
import dev.hetero.training.trainer.ascent.Snapshot;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.round.AscentStats;
import dev.hetero.training.trainer.testing.FirstBatch;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** asyncSAM's step rule: which perturbation a step may take, and that tau = 0 on the descent's own batch is SAM. */
class AsyncSamStepTest {
  static final OptimizerSettings SGD = new OptimizerSettings(0.9, 1e-4, false);
  static final int BATCH = 32;
  static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
  static BatchAssembler train;
  static float[] x;
  static int[] y;

  @BeforeAll
  static void batch() {
    FirstBatch first = FirstBatch.of(BATCH);
    train = first.train();
    x = first.x();
    y = first.y();
  }

  static LocalTrainer lenet() {
    return new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, SGD, 5);
  }

  @Test
  void stalenessZeroWithTheAscentOnTheDescentBatchIsSamToTheBit() throws Exception {
    try (LocalTrainer sam = lenet(); LocalTrainer fast = lenet(); LocalTrainer helperModel = lenet()) {
      PerturbationMailbox pair = new PerturbationMailbox();
      AscentHelper helper = new AscentHelper(1, helperModel, train, 0.05, 5, new PerturbationBatchTuner(BATCH, BATCH, false), 1,
          false, QUIET).indexSource(b -> FirstBatch.indices(BATCH));
      // tau = 0: the worker waits for the perturbation of its current model, so the two never train at once
      Thread serving = new Thread(() -> {
        try {
          helper.serve(pair);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      serving.start();
      StepRule samRule = StepRule.sam(0.05, sam.layout().bufferMask());
      AsyncSamStep asyncRule = new AsyncSamStep(pair, 0, Duration.ofSeconds(30), QUIET);
      for (int step = 0; step < 4; step++) {
        float[] a = samRule.step(sam, x, y, BATCH, 0.1);
        float[] b = asyncRule.step(fast, x, y, BATCH, 0.1);
        assertThat(b).as("losses of step %d", step).containsExactly(a);
        assertThat(fast.readModel()).as("model after step %d", step).containsExactly(sam.readModel());
      }
      pair.stop();
      serving.join(10_000);
      AscentStats stats = asyncRule.drainStats();
      assertThat(stats.perturbed()).isEqualTo(4);
      assertThat(stats.meanAge()).isZero();
      assertThat(stats.perturbationBatch()).isEqualTo(BATCH);
    }
  }

  /** A link that serves what the test put there and records what it was asked for. */
  static final class ScriptedLink implements PerturbationLink {
    final List<Long> offered = new ArrayList<>();
    final List<Long> asked = new ArrayList<>();
    final List<Duration> limits = new ArrayList<>();
    Perturbation available;

    @Override
    public void offer(Snapshot snapshot) {
      offered.add(snapshot.step());
    }

    @Override
    public Received await(long minSource, Duration limit) {
      asked.add(minSource);
      limits.add(limit);
      return available != null && available.source() >= minSource ? new Received(available, 0.002) : null;
    }
  }

  @Test
  void aStepTakesAPerturbationAtMostTauStepsOldAndCountsItsAge() {
    try (LocalTrainer t = lenet()) {
      ScriptedLink link = new ScriptedLink();
      AsyncSamStep rule = new AsyncSamStep(link, 2, Duration.ofSeconds(1), QUIET);
      float[] eps = new float[t.layout().totalSize()];
      link.available = new Perturbation(0, eps, 8, 0.01, 0.5);
      rule.step(t, x, y, BATCH, 0.1); // step 0 asks for source >= 0
      rule.step(t, x, y, BATCH, 0.1); // step 1: still >= 0
      rule.step(t, x, y, BATCH, 0.1); // step 2: >= 0, age 2
      assertThat(link.offered).containsExactly(0L, 1L, 2L);
      assertThat(link.asked).containsExactly(0L, 0L, 0L);
      AscentStats stats = rule.drainStats();
      assertThat(stats.perturbed()).isEqualTo(3);
      assertThat(stats.ageSum()).isEqualTo(0 + 1 + 2);
      assertThat(stats.maxAge()).isEqualTo(2);
      assertThat(stats.waitSeconds()).isCloseTo(0.006, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(stats.perturbationBatch()).isEqualTo(8);
      assertThat(rule.drainStats()).isEqualTo(AscentStats.NONE);
    }
  }

  @Test
  void aHelperThatMissesTheLimitIsNotWaitedForAgainUntilItDelivers() {
    try (LocalTrainer t = lenet()) {
      ScriptedLink link = new ScriptedLink();
      AsyncSamStep rule = new AsyncSamStep(link, 1, Duration.ofMillis(300), QUIET);
      rule.step(t, x, y, BATCH, 0.1); // nothing there: waits the limit, then plain SGD
      rule.step(t, x, y, BATCH, 0.1); // does not wait again
      link.available = new Perturbation(1, new float[t.layout().totalSize()], 4, 0.01, 0.5);
      rule.step(t, x, y, BATCH, 0.1); // step 2 takes source 1 (no wait: there it is)
      rule.step(t, x, y, BATCH, 0.1); // step 3 wants >= 2: waits the full limit again
      assertThat(link.limits).containsExactly(Duration.ofMillis(300), Duration.ZERO, Duration.ZERO, Duration.ofMillis(300));
      AscentStats stats = rule.drainStats();
      assertThat(stats.unperturbed()).isEqualTo(3);
      assertThat(stats.perturbed()).isEqualTo(1);
    }
  }
}
