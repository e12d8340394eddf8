package dev.hetero.training.operator.reconciler;

import dev.hetero.training.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A plain Java Operator SDK operator around the reconciler, for the Fabric8 mock server (which
 * cannot do server-side apply: JSON patches instead, stack.md trap 3).
 */
public final class MockOperator implements AutoCloseable {
  public final Operator operator;
  public final HeteroTrainingJobReconciler reconciler;
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  public MockOperator(KubernetesClient client, OperatorConfig config) {
    reconciler = ManualWiring.reconciler(client, config, registry, false);
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withCloseClientOnStop(false)
        .withConcurrentReconciliationThreads(4));
    operator.register(reconciler);
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
