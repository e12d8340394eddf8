package dev.hetero.training.operator.config;

import dev.hetero.training.api.planner.CapacityPlanner;
import dev.hetero.training.api.planner.PlannerConfig;
import io.quarkus.arc.Unremovable;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Beans built from configuration: the planner, leader election, a metrics fix. */
public class OperatorBeans {
  private static final Logger LOG = Logger.getLogger(OperatorBeans.class);

  @Produces
  @Singleton
  PlannerConfig plannerConfig(OperatorConfig config) {
    return GpuCapacityTable.plannerConfig(config.gpuCapacity());
  }

  /** Builds the planner configuration at start-up, so a malformed HETERO_GPU_CAPACITY stops the start with its message. */
  void checkOnStart(@Observes StartupEvent event, PlannerConfig plannerConfig, OperatorConfig config) {
    LOG.infof("GPU capacity table: %s; blocked jobs retried every %s (worker restarts: per job, spec.runPolicy.restarts)",
        plannerConfig.gpuCapacityTable(), config.retryInterval());
  }

  @Produces
  @Singleton
  CapacityPlanner capacityPlanner(PlannerConfig plannerConfig) {
    return new CapacityPlanner(plannerConfig);
  }

  /**
   * QOSDK looks this bean up in the profiles listed by
   * {@code quarkus.operator-sdk.activate-leader-election-for-profiles}; null (disabled) means no
   * election, so one image serves both a single replica and an HA pair.
   */
  @Produces
  @Dependent
  @Unremovable
  LeaderElectionConfiguration leaderElection(OperatorConfig config,
      @ConfigProperty(name = "pod.namespace") Optional<String> podNamespace) {
    if (!config.leaderElectionEnabled()) {
      return null;
    }
    var builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName());
    podNamespace.filter(s -> !s.isBlank()).ifPresent(builder::withLeaseNamespace);
    return builder.build();
  }

  /**
   * JOSDK 5.3.2 registers {@code operator.sdk.events.received} with and without an {@code action}
   * tag; Prometheus refuses a second tag set for one name and throws on JOSDK's timer thread.
   * Give every such meter an action tag.
   */
  @Produces
  @Singleton
  MeterFilter josdkEventsReceivedTags() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().endsWith("events.received") && id.getTag("action") == null) {
          return id.withTag(Tag.of("action", "none"));
        }
        return id;
      }
    };
  }
}
