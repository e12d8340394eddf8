package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.ChildNames;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Per-job identity of the trainer; its token is mounted only into the coordinator. */
@KubernetesDependent(informer = @Informer(labelSelector = JobLabels.MANAGED_SELECTOR))
public class TrainerServiceAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, HeteroTrainingJob> {

  public TrainerServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    String name = job.getMetadata().getName();
    return new ServiceAccountBuilder()
        .withNewMetadata()
          .withName(ChildNames.trainer(name))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(JobLabels.forChild(name, JobLabels.COMPONENT_RBAC))
        .endMetadata()
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
