package dev.hetero.training.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.OptimizerMethod;
import dev.hetero.training.api.v1alpha1.OptimizerSpec;
import org.junit.jupiter.api.Test;

/** spec.training.optimizer: method, rho and asyncSAM's settings, read the way the runner reads a manifest. */
class OptimizerValidationTest {

  private static OptimizerSpec defaulted(String optimizerYaml) {
    return SpecDefaults.apply(JobYaml.named("o").training("optimizer", optimizerYaml).cpuPool("cpu", 1).cpuPool("helpers", 1)
        .job().getSpec()).training().optimizer();
  }

  private static void refused(String optimizerYaml, String message) {
    assertThatThrownBy(() -> JobYaml.named("o").training("optimizer", optimizerYaml).cpuPool("cpu", 1).cpuPool("helpers", 1)
        .job()).isInstanceOf(JobManifests.InvalidManifestException.class).hasMessageContaining(message);
  }

  @Test
  void sgdIsTheDefaultAndRhoDefaultsForSamAndAsyncSam() {
    OptimizerSpec none = defaulted("{}");
    assertThat(none.method()).isEqualTo(OptimizerMethod.SGD);
    assertThat(none.rho()).isEqualTo(0.05);
    assertThat(none.asyncSAM()).isNull();
    assertThat(defaulted("{method: sam, rho: 0.1}").rho()).isEqualTo(0.1);
  }

  @Test
  void asyncSamDefaultsToStalenessOneAndAnAutomaticPerturbationBatch() {
    OptimizerSpec o = defaulted("{method: asyncSAM, asyncSAM: {helperPool: helpers}}");
    assertThat(o.asyncSAM().staleness()).isEqualTo(1);
    assertThat(o.asyncSAM().perturbationBatch().getStrVal()).isEqualTo("auto");
    assertThat(o.asyncSAM().fixedPerturbationBatch()).isNull();
    OptimizerSpec fixed = defaulted("{method: asyncSAM, asyncSAM: {helperPool: helpers, staleness: 0, perturbationBatch: 16}}");
    assertThat(fixed.asyncSAM().fixedPerturbationBatch()).isEqualTo(16);
    assertThat(fixed.asyncSAM().staleness()).isZero();
  }

  @Test
  void rhoMustBePositive() {
    refused("{method: sam, rho: 0}", "spec.training.optimizer.rho: must lie in (0, 10], got 0.0");
    refused("{method: sam, rho: -0.05}", "spec.training.optimizer.rho: must lie in (0, 10], got -0.05");
  }

  @Test
  void stalenessMustNotBeNegativeAndThePerturbationBatchIsAutoOrASampleCount() {
    refused("{method: asyncSAM, asyncSAM: {helperPool: helpers, staleness: -1}}",
        "spec.training.optimizer.asyncSAM.staleness: must be within [0, 64], got -1");
    refused("{method: asyncSAM, asyncSAM: {helperPool: helpers, perturbationBatch: 0}}",
        "spec.training.optimizer.asyncSAM.perturbationBatch must be auto or a number of samples from 1 to 65536, got 0");
    refused("{method: asyncSAM, asyncSAM: {helperPool: helpers, perturbationBatch: Auto}}",
        "perturbationBatch must be auto or a number of samples from 1 to 65536, got 'Auto'");
  }

  @Test
  void asyncSamNeedsAHelperPoolThatExistsAndIsNotTheOnlyPool() {
    refused("{method: asyncSAM}", "spec.training.optimizer.asyncSAM is required with method asyncSAM");
    refused("{method: asyncSAM, asyncSAM: {staleness: 1}}", "spec.training.optimizer.asyncSAM.helperPool: required");
    refused("{method: asyncSAM, asyncSAM: {helperPool: gpus}}",
        "spec.training.optimizer.asyncSAM.helperPool must name a pool of spec.pools (no pool gpus)");
    refused("{method: sam, asyncSAM: {helperPool: helpers}}", "not allowed with any other method");
    assertThatThrownBy(() -> JobYaml.named("o").training("optimizer", "{method: asyncSAM, asyncSAM: {helperPool: helpers}}")
        .cpuPool("helpers", 1).job()).hasMessageContaining("spec.pools needs a pool besides");
  }

  @Test
  void unknownMethodsAreRefusedWithTheAllowedOnes() {
    refused("{method: adam}", "spec.training.optimizer.method: invalid value 'adam' (allowed: sgd, sam, asyncSAM)");
  }
}
