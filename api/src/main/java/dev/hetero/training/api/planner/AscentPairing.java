package dev.hetero.training.api.planner;

import dev.hetero.training.api.v1alpha1.AsyncSamSpec;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.SampleSelection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * asyncSAM's pairs, decided once here and carried by the plan: each helper (a worker of the
 * helper pool) computes the perturbations of exactly one training worker. Helpers go to the
 * fastest training workers first (capacity, then rank), in the helpers' rank order; a training
 * worker left without a helper runs plain SGD, a helper left without a training worker idles,
 * and both are said in the plan's reasons.
 *
 * <p>Perturbation batch b_p: a fixed number as the spec says, or, for auto, the batch the
 * helper would get through in one descent step of its partner if throughput followed capacity:
 * {@code floor(B x c_helper / c_worker)}, between 1 and B. That is only where the helper starts;
 * it measures both step times at run time and moves b_p (the plan says so with
 * {@code perturbationBatchAuto}).
 */
public final class AscentPairing {
  private AscentPairing() {
  }

  /**
   * @param training the sized training workers, ranks 0..n-1, each with the job's update rule
   * @param helpers the helper pool's workers, ranks n.., without work yet
   * @return the training workers (paired ones switched to asyncSAM) followed by the helpers with their work
   */
  public static List<PlannedWorker> pair(AsyncSamSpec settings, List<PlannedWorker> training, List<PlannedWorker> helpers,
      List<String> reasons) {
    List<PlannedWorker> byCapacity = training.stream()
        .sorted(Comparator.comparingDouble((PlannedWorker w) -> -w.capacity()).thenComparing(PlannedWorker::rank))
        .toList();
    List<PlannedWorker> out = new ArrayList<>(training);
    List<PlannedWorker> pairedHelpers = new ArrayList<>();
    Integer fixed = settings.fixedPerturbationBatch();
    for (int k = 0; k < helpers.size(); k++) {
      PlannedWorker helper = helpers.get(k);
      if (k >= byCapacity.size()) {
        reasons.add("asyncSAM: helper " + helper.worker() + " has no training worker left to pair with; it idles");
        pairedHelpers.add(helperWork(helper, null, 1, fixed == null));
        continue;
      }
      PlannedWorker partner = byCapacity.get(k);
      int batch = fixed != null ? fixed : startingBatch(partner, helper);
      out.set(partner.rank(), partner.withOptimizer(OptimizerMethod.ASYNC_SAM, helper.worker()));
      pairedHelpers.add(helperWork(helper, partner.worker(), batch, fixed == null));
      reasons.add(String.format(Locale.ROOT, "asyncSAM: helper %s computes the perturbations of %s, b_p %d (%s)",
          helper.worker(), partner.worker(), batch, fixed != null ? "fixed" : "from capacities " + helper.capacity() + " / "
              + partner.capacity() + ", measured at run time"));
    }
    for (int k = helpers.size(); k < byCapacity.size(); k++) {
      PlannedWorker unpaired = byCapacity.get(k);
      out.set(unpaired.rank(), unpaired.withOptimizer(OptimizerMethod.SGD, null));
      reasons.add("asyncSAM: " + unpaired.worker() + " has no ascent helper (" + helpers.size() + " helper(s) for "
          + training.size() + " training workers); it runs sgd");
    }
    out.addAll(pairedHelpers);
    return out;
  }

  /** Samples the helper gets through in the partner's step time, if throughput follows capacity: within [1, B]. */
  static int startingBatch(PlannedWorker partner, PlannedWorker helper) {
    double share = helper.capacity() / partner.capacity();
    return (int) Math.max(1, Math.min(partner.batchSize(), Math.floor(partner.batchSize() * share)));
  }

  private static PlannedWorker helperWork(PlannedWorker helper, String partner, int batch, boolean auto) {
    return new PlannedWorker(helper.worker(), helper.rank(), helper.node(), helper.pool(), helper.deviceClass(),
        helper.capacity(), batch, 0, 0.0, helper.role(), SampleSelection.UNIFORM, helper.simulatedSlowdown(), null, null,
        partner, auto ? Boolean.TRUE : null, helper.deviceFallback());
  }
}
