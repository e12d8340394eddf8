package dev.hetero.training.trainer.runner;

import dev.hetero.training.trainer.coordinator.EvaluationReport;
import java.util.List;
import java.util.Locale;

/** The training curve as CSV, one row per evaluation of the averaged model. */
public final class CurveCsv {
  public static final String HEADER =
      "epoch,round,samples,elapsed_seconds,virtual_seconds,learning_rate,train_loss,test_loss,test_accuracy,samples_per_second";

  private CurveCsv() {
  }

  public static String render(List<EvaluationReport> curve) {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (EvaluationReport r : curve) {
      s.append(String.format(Locale.ROOT, "%.4f,%d,%d,%.3f,%.4f,%.6g,%.6f,%.6f,%.6f,%.1f%n", r.epoch(), r.round(), r.samples(),
          r.elapsedSeconds(), r.virtualSeconds(), r.learningRate(), r.trainLoss(), r.testLoss(), r.accuracy(),
          r.samplesPerSecond()));
    }
    return s.toString();
  }
}
