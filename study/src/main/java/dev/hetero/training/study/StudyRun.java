package dev.hetero.training.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.bench.SimulatedRun;
import dev.hetero.training.trainer.config.DjlSettings;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.ImageDataset;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.api.v1alpha1.ModelName;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.runner.AtomicFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * One study run in its own JVM (DJL's gradient collector is process-wide, so two runs cannot
 * share a process): trains the scenario on the virtual clock with the step cost the parent
 * calibrated, and writes a {@link RunResult} as JSON.
 *
 * <p>Arguments: level method seed epochs batch learningRate dataDir stepSeconds evaluationsPerEpoch output.json
 */
public final class StudyRun {
  private StudyRun() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 10) {
      throw new IllegalArgumentException("usage: StudyRun level method seed epochs batch lr dataDir stepSeconds evalsPerEpoch out.json");
    }
    Level level = Level.byName(args[0]);
    Method method = Method.byLabel(args[1]);
    Scenario scenario = new Scenario(level, method, Long.parseLong(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
        Double.parseDouble(args[5]), Path.of(args[6]));
    StepCostModel cost = new StepCostModel(Map.of(scenario.batch(), Double.parseDouble(args[7])));
    DjlRuntime.configure(DjlSettings.fromEnv(System.getenv()));
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, scenario.dataDir());
    long t0 = System.nanoTime();
    // the curve on a fifth of the test set, the final model on all of it: see CURVE_TEST_STRIDE
    TrainTestData curveData = new TrainTestData(data.train(), everyKth(data.test(), CURVE_TEST_STRIDE));
    RunOutcome outcome = SimulatedRun.run(scenario.plan(), curveData, cost, Integer.parseInt(args[8]), TrainingListener.NONE);
    double wall = (System.nanoTime() - t0) / 1e9;
    RunResult result = new RunResult(level.name(), method.label(), scenario.seed(), fullTestAccuracy(outcome.finalModel(), data, scenario.seed()),
        outcome.virtualSeconds(), wall, outcome.rounds(),
        outcome.curve().stream().map(StudyRun::point).toList());
    AtomicFiles.write(Path.of(args[9]), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
  }

  /**
   * Wall seconds are what limit the study, not virtual ones: a LeNet evaluation of all 10,000 test
   * images costs about 1 to 1.8 s here, so 20 of them per run would add a third to the grid. The
   * curve's points (and so time to target) use every fifth test image, 2,000 spread over the file;
   * the final accuracy is measured on all 10,000.
   */
  static final int CURVE_TEST_STRIDE = 5;

  /** Every {@code k}-th sample, in order: a subset spread over the whole file. */
  static ImageDataset everyKth(ImageDataset d, int k) {
    int n = (d.size() + k - 1) / k;
    byte[] pixels = new byte[n * d.imageBytes()];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(d.pixels(), i * k * d.imageBytes(), pixels, i * d.imageBytes(), d.imageBytes());
      labels[i] = d.labels()[i * k];
    }
    return new ImageDataset(d.name() + " every " + k + "th", d.channels(), d.height(), d.width(), d.classes(), pixels, labels);
  }

  private static double fullTestAccuracy(float[] model, TrainTestData data, long seed) {
    try (LocalTrainer t = new LocalTrainer(ModelName.LENET, DatasetName.FASHION_MNIST, new OptimizerSettings(0.9, 1e-4, false), seed)) {
      t.loadModel(model, true);
      return t.evaluate(new BatchAssembler(data.test(), Normalization.of(DatasetName.FASHION_MNIST), false)).accuracy();
    }
  }

  private static RunResult.Point point(EvaluationReport r) {
    return new RunResult.Point(r.epoch(), r.virtualSeconds(), r.accuracy());
  }
}
