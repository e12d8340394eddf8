package dev.hetero.training.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.engine.DjlRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint benchmark measures what a run writes: its file holds every part of the state at its full size. */
class CheckpointBenchTest {
  @TempDir
  Path tmp;

  @Test
  void aLenetCheckpointHoldsTheModelEveryWorkersMomentumAndTheSamplerStateAndReadsBack() throws Exception {
    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
    CheckpointBench.Result r = CheckpointBench.measure(ModelName.LENET, DatasetName.FASHION_MNIST, 60_000, 3, 3, tmp);
    assertThat(r.modelValues()).isEqualTo(20_634);
    assertThat(r.optimizerValues()).isEqualTo(20_538);
    // 4 bytes per value: the model, 3 workers' momentum, the score table, the shards covering the
    // training set, and half a period of buffered observations (an index and a loss each)
    long values = 20_634 + 3 * 20_538 + 60_000 + 60_000 + 2 * 30_000;
    assertThat(r.bytes()).isBetween(4 * values, 4 * values + 4096);
    assertThat(r.writeMedian()).isPositive().isLessThan(5.0);
    assertThat(r.readMedian()).isPositive();
  }
}
