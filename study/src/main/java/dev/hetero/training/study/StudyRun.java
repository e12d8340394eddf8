package dev.hetero.training.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.bench.SimulatedRun;
import dev.hetero.training.trainer.data.DatasetLoader;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.DjlRuntime;
import dev.hetero.training.trainer.runner.AtomicFiles;
import dev.hetero.training.trainer.worker.EvaluationReport;
import dev.hetero.training.trainer.worker.RunOutcome;
import dev.hetero.training.trainer.worker.TrainingListener;
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
    Level level = Study.level(args[0]);
    Method method = Method.byLabel(args[1]);
    Scenario scenario = new Scenario(level, method, Long.parseLong(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
        Double.parseDouble(args[5]), Path.of(args[6]));
    StepCostModel cost = new StepCostModel(Map.of(scenario.batch(), Double.parseDouble(args[7])));
    DjlRuntime.configure(System.getenv());
    TrainTestData data = DatasetLoader.fromDirectory(DatasetName.FASHION_MNIST, scenario.dataDir());
    long t0 = System.nanoTime();
    RunOutcome outcome = SimulatedRun.run(scenario.plan(), data, cost, Integer.parseInt(args[8]), TrainingListener.NONE);
    double wall = (System.nanoTime() - t0) / 1e9;
    RunResult result = new RunResult(level.name(), method.label(), scenario.seed(), outcome.last().accuracy(),
        outcome.virtualSeconds(), wall, outcome.rounds(),
        outcome.curve().stream().map(StudyRun::point).toList());
    AtomicFiles.write(Path.of(args[9]), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
  }

  private static RunResult.Point point(EvaluationReport r) {
    return new RunResult.Point(r.epoch(), r.virtualSeconds(), r.accuracy());
  }
}
