package dev.hetero.training.api.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hetero.training.api.Fixtures;
import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.PlanResult;
import dev.hetero.training.api.planner.PlannerConfig;
import dev.hetero.training.api.validation.SpecDefaults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanCodecTest {

  @Test
  void planRoundTripsThroughJsonAndIsByteStable() {
    var spec = SpecDefaults.apply(Fixtures.spec(Fixtures.global(256), List.of(Fixtures.gpuPool("gpu", 1), Fixtures.cpuPool("cpu", 2))));
    var result = (PlanResult.Placed) new CapacityPlanner(PlannerConfig.defaults())
        .plan("job", spec, List.of(Fixtures.gpuNode("g", 1, 4, "Tesla-T4"), Fixtures.cpuNode("c", 2, Map.of())));
    PlanDocument plan = new PlanDocument("job", "ns", 3, spec, result.workers());

    String json = PlanCodec.toJson(plan);
    assertThat(PlanCodec.fromJson(json)).isEqualTo(plan);
    assertThat(PlanCodec.toJson(PlanCodec.fromJson(json))).isEqualTo(json);
    assertThat(json).contains("\"deviceClass\" : \"gpu\"").contains("\"algorithm\" : \"biasedLocalSGD\"");
  }

  @Test
  void malformedPlanSaysWhere() {
    assertThatThrownBy(() -> PlanCodec.fromJson("{\"jobName\": \"x\",\n \"planVersion\": \"seven\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed plan document:")
        .hasMessageContaining("line 2");
  }
}
