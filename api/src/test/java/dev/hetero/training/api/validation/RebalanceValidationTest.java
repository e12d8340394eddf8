package dev.hetero.training.api.validation;

import static dev.hetero.training.api.Fixtures.cpuPool;
import static dev.hetero.training.api.Fixtures.perWorker;
import static dev.hetero.training.api.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.Algorithm;
import dev.hetero.training.api.v1alpha1.AllocationSpec;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import dev.hetero.training.api.v1alpha1.RebalanceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spec.allocation.rebalance: the one-machine runner refuses what the CRD's bounds refuse, and defaults as the schema does. */
class RebalanceValidationTest {
  static HeteroTrainingJobSpec with(RebalanceSpec r) {
    return spec(Algorithm.BIASED_LOCAL_SGD, perWorker(8), new AllocationSpec(null, null, null, null, r), null,
        List.of(cpuPool("cpu", 2)));
  }

  @Test
  void outOfBoundsSettingsAreRefusedWithTheFieldName() {
    assertThat(SpecValidator.validate(with(new RebalanceSpec(true, 1.5, 0.0, 0.5)))).containsExactlyInAnyOrder(
        "spec.allocation.rebalance.deadBand: must be within [0, 1], got 1.5",
        "spec.allocation.rebalance.damping: must lie in (0, 1], got 0.0",
        "spec.allocation.rebalance.stragglerFactor: must be within [1, 1000], got 0.5");
    assertThat(SpecValidator.validate(with(new RebalanceSpec(true, 0.0, 1.0, 1.0)))).isEmpty();
  }

  @Test
  void anAbsentSectionIsOffWithTheDocumentedDefaults() {
    RebalanceSpec r = SpecDefaults.apply(with(null)).allocation().rebalance();
    assertThat(r).isEqualTo(new RebalanceSpec(false, 0.1, 0.7, 4.0, false));
  }
}
