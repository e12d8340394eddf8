package dev.hetero.training.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class GpuCapacityTableTest {
  @Test
  void parsesOverridesAndMergesThemIntoTheDefaults() {
    assertThat(GpuCapacityTable.parse(" A100=100, V100=30.5 ,")).containsEntry("A100", 100.0).containsEntry("V100", 30.5);
    var config = GpuCapacityTable.plannerConfig(Optional.of("A100=100,MI300=150"));
    assertThat(config.gpuCapacityTable()).containsEntry("A100", 100.0).containsEntry("MI300", 150.0)
        .containsEntry("H100", 160.0);
    assertThat(GpuCapacityTable.parse("")).isEmpty();
  }

  @Test
  void refusesMalformedEntriesWithTheirName() {
    assertThatThrownBy(() -> GpuCapacityTable.parse("A100")).hasMessageContaining("'A100'");
    assertThatThrownBy(() -> GpuCapacityTable.parse("A100=-1")).hasMessageContaining("A100");
    assertThatThrownBy(() -> GpuCapacityTable.parse("A100=fast")).hasMessageContaining("positive number");
  }
}
