package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.ChildNames;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Headless Service: every worker gets the DNS name {@code <pod>.<service>.<ns>.svc}, the
 * coordinator's being COORDINATOR_ADDR. Not-ready addresses are published because workers dial
 * the coordinator before any readiness could be established.
 */
@KubernetesDependent(informer = @Informer(labelSelector = JobLabels.MANAGED_SELECTOR))
public class WorkerServiceDependent extends CRUDKubernetesDependentResource<Service, HeteroTrainingJob> {

  public WorkerServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    String name = job.getMetadata().getName();
    return new ServiceBuilder()
        .withNewMetadata()
          .withName(ChildNames.service(name))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(JobLabels.forChild(name, JobLabels.COMPONENT_NETWORK))
        .endMetadata()
        .withNewSpec()
          .withClusterIP("None")
          .withPublishNotReadyAddresses(true)
          .withSelector(JobLabels.workerSelector(name))
          .addNewPort().withName("coordinator").withPort(WorkerEnv.COORDINATOR_PORT).withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }
}
