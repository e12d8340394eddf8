package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.contract.WorkerEnv;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.ChildNames;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The plan document, mounted into every worker; a re-plan updates it in place (no pod restart).
 * Without a plan file while a queued job's plan is withheld (its pods' containers wait for it).
 */
@KubernetesDependent(informer = @Informer(labelSelector = JobLabels.MANAGED_SELECTOR))
public class PlanConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, HeteroTrainingJob> {

  public PlanConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    String name = job.getMetadata().getName();
    String plan = DesiredPlan.from(context).json();
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(ChildNames.planConfigMap(name))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(JobLabels.forChild(name, JobLabels.COMPONENT_PLAN))
        .endMetadata()
        .withData(plan == null ? java.util.Map.of() : java.util.Map.of(WorkerEnv.PLAN_FILE_NAME, plan))
        .build();
  }
}
