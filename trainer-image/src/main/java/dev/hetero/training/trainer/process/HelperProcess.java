package dev.hetero.training.trainer.process;

import dev.hetero.training.api.contract.PlanDocument;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.trainer.algo.PerturbationBatchTuner;
import dev.hetero.training.trainer.config.TrainerSettings;
import dev.hetero.training.trainer.data.BatchAssembler;
import dev.hetero.training.trainer.engine.LocalTrainer;
import dev.hetero.training.trainer.net.AscentRelay;
import dev.hetero.training.trainer.net.RemoteAscentSource;
import dev.hetero.training.trainer.observe.TrainerMetrics;
import dev.hetero.training.trainer.worker.AscentHelper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An asyncSAM helper's wiring (a worker whose plan entry says role helper): it serves the
 * training worker its entry names (ascentFor) through rank 0's relay, with the entry's
 * perturbation batch (fixed, or where auto starts), until the run is over. Also where rank 0
 * builds the relay for the plan's pairs.
 */
final class HelperProcess {
  private final TrainerSettings settings;
  private final PrintStream log;

  HelperProcess(TrainerSettings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  void run(PlanDocument plan, PlannedWorker me, HeteroTrainingJobSpec spec, LocalTrainer trainer, BatchAssembler train,
      TrainerMetrics metrics, boolean wall) throws IOException {
    if (me.ascentFor() == null) {
      log.println("helper " + me.worker() + ": the plan pairs it with no training worker; nothing to do");
      return;
    }
    PlannedWorker partner = partner(plan, me);
    boolean auto = Boolean.TRUE.equals(me.perturbationBatchAuto());
    AscentHelper helper = new AscentHelper(me.rank(), trainer, train, spec.training().optimizer().rho(), spec.training().seed(),
        new PerturbationBatchTuner(me.batchSize(), partner.batchSize(), auto), me.slowdown(), wall, log)
        .observer(metrics::ascent);
    log.println("helper rank " + me.rank() + ": computing the perturbations of " + partner.worker() + " (rank " + partner.rank()
        + "), b_p " + me.batchSize() + (auto ? " to start with, measured at run time" : ", fixed"));
    var t = settings.timeouts();
    try (RemoteAscentSource source = new RemoteAscentSource(settings.coordinator(), settings.token(), me.rank(), partner.rank(),
        trainer.layout().totalSize(), t.poll(), t.connect(), metrics, log)) {
      helper.serve(source);
    }
  }

  private static PlannedWorker partner(PlanDocument plan, PlannedWorker helper) {
    return plan.worker(helper.ascentFor()).orElseThrow(() -> new IllegalArgumentException("plan version " + plan.planVersion()
        + ": helper " + helper.worker() + " is paired with " + helper.ascentFor() + ", which is not in the plan"));
  }

  /** Rank 0's relay for the plan's asyncSAM pairs, or null when the plan has none. */
  static AscentRelay relay(PlanDocument plan, int modelSize, Duration poll, TrainerMetrics metrics, PrintStream log) {
    Map<Integer, Integer> partnerOf = new LinkedHashMap<>();
    for (PlannedWorker w : plan.workers()) {
      if (w.helper() && w.ascentFor() != null) {
        partnerOf.put(w.rank(), partner(plan, w).rank());
      }
    }
    return partnerOf.isEmpty() ? null : new AscentRelay(partnerOf, modelSize, poll, metrics, log);
  }
}
