package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.ChildNames;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The trainer may read and patch the status of its own job and nothing else: it reports
 * progress (status.training, status.workers) under its own field manager.
 */
@KubernetesDependent(informer = @Informer(labelSelector = JobLabels.MANAGED_SELECTOR))
public class TrainerRoleDependent extends CRUDKubernetesDependentResource<Role, HeteroTrainingJob> {

  public TrainerRoleDependent() {
    super(Role.class);
  }

  @Override
  protected Role desired(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    String name = job.getMetadata().getName();
    return new RoleBuilder()
        .withNewMetadata()
          .withName(ChildNames.trainer(name))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(JobLabels.forChild(name, JobLabels.COMPONENT_RBAC))
        .endMetadata()
        .addNewRule()
          .withApiGroups(HeteroTrainingJob.GROUP)
          .withResources(HeteroTrainingJob.PLURAL + "/status")
          .withResourceNames(name)
          .withVerbs("get", "patch")
        .endRule()
        .build();
  }
}
