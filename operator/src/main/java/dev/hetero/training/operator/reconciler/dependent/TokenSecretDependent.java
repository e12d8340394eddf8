package dev.hetero.training.operator.reconciler.dependent;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.ChildNames;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The job's data-plane token. A Creator without Updater: the token is drawn once and never
 * rotated under running workers. It is never logged (Secret's toString is not used anywhere).
 */
@KubernetesDependent(informer = @Informer(labelSelector = JobLabels.MANAGED_SELECTOR))
public class TokenSecretDependent extends KubernetesDependentResource<Secret, HeteroTrainingJob>
    implements Creator<Secret, HeteroTrainingJob>, GarbageCollected<HeteroTrainingJob> {
  private static final SecureRandom RANDOM = new SecureRandom();

  public TokenSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(HeteroTrainingJob job, Context<HeteroTrainingJob> context) {
    String name = job.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
          .withName(ChildNames.tokenSecret(name))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(JobLabels.forChild(name, JobLabels.COMPONENT_TOKEN))
        .endMetadata()
        .withType("Opaque")
        .addToStringData(ChildNames.TOKEN_KEY, newToken())
        .build();
  }

  /** 256 random bits, URL-safe base64. */
  static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
