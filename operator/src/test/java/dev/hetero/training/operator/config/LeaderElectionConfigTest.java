package dev.hetero.training.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.operator.Fixtures;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaderElectionConfigTest {
  static OperatorConfig withElection(boolean enabled) {
    OperatorConfig base = Fixtures.config(Duration.ofSeconds(10), Duration.ofMinutes(2));
    return (OperatorConfig) java.lang.reflect.Proxy.newProxyInstance(OperatorConfig.class.getClassLoader(),
        new Class<?>[] {OperatorConfig.class}, (proxy, method, args) -> method.getName().equals("leaderElectionEnabled")
            ? enabled : method.invoke(base, args));
  }

  @Test
  void leaseIsTakenInThePodsNamespaceOnlyWhenEnabled() {
    var beans = new OperatorBeans();
    var election = beans.leaderElection(withElection(true), Optional.of("hetero-system"));
    assertThat(election.getLeaseName()).isEqualTo("hetero-training-operator");
    assertThat(election.getLeaseNamespace()).contains("hetero-system");
    assertThat(beans.leaderElection(withElection(false), Optional.of("hetero-system"))).isNull();
    assertThat(beans.leaderElection(withElection(true), Optional.of(" ")).getLeaseNamespace()).isEmpty();
  }

  @Test
  void josdkEventsReceivedMeterGetsTheMissingActionTag() {
    var filter = new OperatorBeans().josdkEventsReceivedTags();
    var id = new io.micrometer.core.instrument.Meter.Id("operator.sdk.events.received",
        io.micrometer.core.instrument.Tags.of("event", "x"), null, null, io.micrometer.core.instrument.Meter.Type.COUNTER);
    assertThat(filter.map(id).getTag("action")).isEqualTo("none");
    var other = new io.micrometer.core.instrument.Meter.Id("hetero.jobs", io.micrometer.core.instrument.Tags.empty(), null,
        null, io.micrometer.core.instrument.Meter.Type.GAUGE);
    assertThat(filter.map(other).getTag("action")).isNull();
  }
}
