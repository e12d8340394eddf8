package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.ChildNames;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Binds the trainer's Role to the trainer's ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = JobLabels.MANAGED_SELECTOR))
public class TrainerRoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, HeteroTrainingJob> {

  public TrainerRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    String name = job.getMetadata().getName();
    String trainer = ChildNames.trainer(name);
    return new RoleBindingBuilder()
        .withNewMetadata()
          .withName(trainer)
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(JobLabels.forChild(name, JobLabels.COMPONENT_RBAC))
        .endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(trainer).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(trainer).withNamespace(job.getMetadata().getNamespace())
        .endSubject()
        .build();
  }
}
