package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.algo.WorkerSettings;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.worker.CommunicationCost;
import dev.hetero.training.trainer.worker.Coordinator;
import dev.hetero.training.trainer.worker.CoordinatorConfig;
import dev.hetero.training.trainer.worker.InProcessWorker;
import dev.hetero.training.trainer.worker.JobSetup;
import dev.hetero.training.trainer.worker.RoundExecutor;
import dev.hetero.training.trainer.worker.RunOutcome;
import dev.hetero.training.trainer.worker.TrainingListener;
import dev.hetero.training.trainer.worker.WorkerHandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every worker of a plan in this one process, taking turns (the same round loop and worker code
 * as a real run), with step costs from a calibrated model so the virtual clock is deterministic:
 * the same seed, plan and cost model give the same curve and the same virtual times.
 */
public final class SimulatedRun {
  private SimulatedRun() {
  }

  public static RunOutcome run(PlanDocument plan, TrainTestData data, StepCostModel costModel, int evaluationsPerEpoch,
      TrainingListener listener) throws IOException {
    HeteroTrainingJobSpec spec = JobSetup.spec(plan);
    DatasetName dataset = spec.dataset().name();
    OptimizerSettings optimizer = OptimizerSettings.of(spec.training().optimizer());
    long seed = spec.training().seed();
    Normalization norm = Normalization.of(dataset);
    BatchAssembler train = new BatchAssembler(data.train(), norm, dataset == DatasetName.CIFAR10);
    BatchAssembler test = new BatchAssembler(data.test(), norm, false);
    List<LocalTrainer> trainers = new ArrayList<>();
    try {
      List<WorkerHandle> handles = new ArrayList<>();
      List<WorkerSettings> settings = JobSetup.coordinatorConfig(plan, data.train().size(), new boolean[0], 0, costModel, 1).workers();
      for (WorkerSettings w : settings) {
        LocalTrainer t = new LocalTrainer(spec.model().name(), dataset, optimizer, seed);
        trainers.add(t);
        handles.add(new InProcessWorker(new RoundExecutor(w.rank(), t, train, w.batch(), w.slowdown(), false)));
      }
      LocalTrainer evaluator = new LocalTrainer(spec.model().name(), dataset, optimizer, seed);
      trainers.add(evaluator);
      int modelSize = evaluator.layout().totalSize();
      CoordinatorConfig config = JobSetup.coordinatorConfig(plan, data.train().size(), evaluator.layout().bufferMask(),
          CommunicationCost.perRound(modelSize, settings.size()), costModel, evaluationsPerEpoch);
      Coordinator coordinator = new Coordinator(config, handles, model -> {
        evaluator.loadModel(model, true);
        return evaluator.evaluate(test);
      }, listener);
      return coordinator.run(trainers.get(0).readModel());
    } finally {
      trainers.forEach(LocalTrainer::close);
    }
  }
}
