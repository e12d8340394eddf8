package dev.hetero.training.operator.reconciler;

import dev.hetero.training.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;

/**
 * A plain Java Operator SDK operator around the reconciler, for the Fabric8 mock server (which
 * cannot do server-side apply: JSON patches instead, stack.md trap 3).
 */
public final class MockOperator implements AutoCloseable {
  public final Operator operator;
  public final HeteroTrainingJobReconciler reconciler;
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  public MockOperator(KubernetesClient client, OperatorConfig config) {
    reconciler = ManualWiring.reconciler(client, config, registry, false, Clock.systemUTC());
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withCloseClientOnStop(false)
        .withConcurrentReconciliationThreads(4)
        .withMetrics(MicrometerMetricsV2.newBuilder(registry).build()));
    operator.register(reconciler);
  }

  /** Reconciles finished so far (JOSDK's own counter): the positive signal before asserting that nothing changed. */
  public double reconciles() {
    return registry.find(MicrometerMetricsV2.RECONCILIATIONS_SUCCESS).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  public MockOperator start() {
    operator.start();
    return this;
  }

  @Override
  public void close() {
    operator.stop();
  }
}
