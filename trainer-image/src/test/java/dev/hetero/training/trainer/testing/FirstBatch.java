package dev.hetero.training.trainer.testing;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DjlRuntime;
import java.nio.file.Path;
import java.util.stream.IntStream;

/** The first {@code size} Fashion-MNIST training samples as one normalised batch, for step-level tests (DJL configured). */
public record FirstBatch(BatchAssembler train, float[] x, int[] y, int size) {

  public static FirstBatch of(int size) {
    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, Path.of(JobYaml.FASHION_MNIST));
    BatchAssembler train = new BatchAssembler(data.train().head(size), Normalization.of(DatasetName.FASHION_MNIST), false);
    float[] x = new float[size * 784];
    int[] y = new int[size];
    train.fill(indices(size), 0, size, x, y, null);
    return new FirstBatch(train, x, y, size);
  }

  /** 0, 1, ..., size - 1: the batch's samples in order. */
  public static int[] indices(int size) {
    return IntStream.range(0, size).toArray();
  }
}
