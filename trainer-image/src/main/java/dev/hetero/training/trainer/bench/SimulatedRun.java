package dev.hetero.training.trainer.bench;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.DatasetName;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.algo.PerturbationBatchTuner;
import dev.hetero.training.trainer.algo.StepCostModel;
import dev.hetero.training.trainer.coordinator.CommunicationCost;
import dev.hetero.training.trainer.coordinator.Coordinator;
import dev.hetero.training.trainer.coordinator.CoordinatorConfig;
import dev.hetero.training.trainer.coordinator.JobSetup;
import dev.hetero.training.trainer.coordinator.PlanSource;
import dev.hetero.training.trainer.coordinator.RunOutcome;
import dev.hetero.training.trainer.coordinator.TrainingListener;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.data.Normalization;
import dev.hetero.training.trainer.data.TrainTestData;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.engine.OptimizerSettings;
import dev.hetero.training.trainer.round.InProcessWorker;
import dev.hetero.training.trainer.round.WorkerHandle;
import dev.hetero.training.trainer.worker.AscentHelper;
import dev.hetero.training.trainer.worker.RoundExecutor;
import dev.hetero.training.trainer.worker.StepRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every worker of a plan in this one process, taking turns (the same round loop and worker code
 * as a real run), with step costs from a calibrated model so the virtual clock is deterministic:
 * the same seed, plan and cost model give the same curve and the same virtual times. Each
 * training worker applies its plan entry's update rule; an asyncSAM worker's helper is a model in
 * this process on the virtual clock ({@link SimulatedAscentLink}), charged {@code ascentCosts}.
 */
public final class SimulatedRun {
  private SimulatedRun() {
  }

  public static RunOutcome run(PlanDocument plan, TrainTestData data, StepCostModel costModel, int evaluationsPerEpoch,
      TrainingListener listener) throws IOException {
    return run(plan, data, costModel, null, evaluationsPerEpoch, listener);
  }

  /**
   * @param ascentCosts seconds of one ascent by batch on an unslowed helper (only for plans with asyncSAM workers)
   */
  public static RunOutcome run(PlanDocument plan, TrainTestData data, StepCostModel costModel, StepCostModel ascentCosts,
      int evaluationsPerEpoch, TrainingListener listener) throws IOException {
    return run(plan, data, costModel, ascentCosts, evaluationsPerEpoch, listener, PlanSource.NONE);
  }

  /** @param replans the operator's re-plans, polled at every round boundary as in a real run */
  public static RunOutcome run(PlanDocument plan, TrainTestData data, StepCostModel costModel, StepCostModel ascentCosts,
      int evaluationsPerEpoch, TrainingListener listener, PlanSource replans) throws IOException {
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
      for (PlannedWorker w : plan.workers().stream().filter(w -> !w.helper()).toList()) {
        LocalTrainer t = new LocalTrainer(spec.model().name(), dataset, optimizer, seed);
        trainers.add(t);
        StepRule rule = StepRule.forWorker(w, spec.training().optimizer(), t.layout().bufferMask(),
            () -> pair(plan, w, spec, train, costModel, ascentCosts, trainers), 0, System.err);
        // the virtual clock charges the slowdowns: nobody sleeps
        handles.add(new InProcessWorker(new RoundExecutor(w.rank(), t, train, rule, false, System.err)));
      }
      LocalTrainer evaluator = new LocalTrainer(spec.model().name(), dataset, optimizer, seed);
      trainers.add(evaluator);
      int modelSize = evaluator.layout().totalSize();
      CoordinatorConfig config = JobSetup.coordinatorConfig(plan, data.train().size(), evaluator.layout().bufferMask(),
          CommunicationCost.perRound(modelSize, handles.size()), costModel, evaluationsPerEpoch);
      Coordinator coordinator = new Coordinator(config, handles, model -> {
        evaluator.loadModel(model, true);
        return evaluator.evaluate(test);
      }, listener).planSource(replans);
      return coordinator.run(trainers.get(0).readModel());
    } finally {
      trainers.forEach(LocalTrainer::close);
    }
  }

  /** The simulated helper of an asyncSAM worker, as its plan entry and its helper's entry say. */
  private static SimulatedAscentLink pair(PlanDocument plan, PlannedWorker worker, HeteroTrainingJobSpec spec,
      BatchAssembler train, StepCostModel costModel, StepCostModel ascentCosts, List<LocalTrainer> trainers) {
    if (ascentCosts == null) {
      throw new IllegalArgumentException("worker " + worker.worker() + " runs asyncSAM: the simulated run needs ascent costs");
    }
    PlannedWorker h = plan.worker(worker.ascentHelper()).orElseThrow(() -> new IllegalArgumentException("worker "
        + worker.worker() + ": its ascent helper " + worker.ascentHelper() + " is not in the plan"));
    LocalTrainer model = new LocalTrainer(spec.model().name(), spec.dataset().name(),
        OptimizerSettings.of(spec.training().optimizer()), spec.training().seed());
    trainers.add(model);
    AscentHelper helper = new AscentHelper(h.rank(), model, train, spec.training().optimizer().rho(), spec.training().seed(),
        new PerturbationBatchTuner(h.batchSize(), worker.batchSize(), Boolean.TRUE.equals(h.perturbationBatchAuto())), h.slowdown(),
        false, System.err);
    double step = costModel.stepSeconds(worker.batchSize(), OptimizerMethod.ASYNC_SAM) * worker.slowdown();
    return new SimulatedAscentLink(helper, ascentCosts, h.slowdown(), step);
  }
}
