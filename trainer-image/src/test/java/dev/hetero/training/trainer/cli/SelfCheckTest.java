package dev.hetero.training.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelfCheckTest {
  @Test
  void loadsTheEngineOfflineAndPrintsVersions() {
    TrainerMainAccess.Result r = TrainerMainAccess.execute("selfcheck");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("hetero-trainer selfcheck: ok").contains("djl 0.36.0").contains("engine PyTorch 2.7.1")
        .contains("offline true");
    assertThat(TrainerMainAccess.execute("--help").out()).contains("selfcheck");
  }
}
