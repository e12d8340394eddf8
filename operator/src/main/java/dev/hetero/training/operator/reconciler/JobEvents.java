package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on the job ({@code kubectl describe htj} shows them). Best effort: an event
 * that cannot be written is logged, never a reason to fail a reconcile.
 */
@ApplicationScoped
public class JobEvents {
  private static final Logger LOG = Logger.getLogger(JobEvents.class);
  private static final String HOST = System.getenv().getOrDefault("HOSTNAME", "local");

  @Inject
  KubernetesClient client;

  public void normal(HeteroTrainingJob job, String reason, String message) {
    emit(job, "Normal", reason, message);
  }

  public void warning(HeteroTrainingJob job, String reason, String message) {
    emit(job, "Warning", reason, message);
  }

  private void emit(HeteroTrainingJob job, String type, String reason, String message) {
    String now = Instant.now().toString();
    String name = job.getMetadata().getName() + "." + Long.toHexString(System.nanoTime())
        + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
    Event event = new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(job.getMetadata().getNamespace()).endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(HeteroTrainingJob.API_VERSION).withKind(HeteroTrainingJob.KIND)
          .withName(job.getMetadata().getName()).withNamespace(job.getMetadata().getNamespace())
          .withUid(job.getMetadata().getUid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 990) + " ..." : message)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(JobLabels.OPERATOR_NAME).endSource()
        .withReportingComponent(JobLabels.OPERATOR_NAME).withReportingInstance(HOST)
        .build();
    try {
      client.v1().events().inNamespace(job.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.debugf("event %s/%s for %s not written: %s", type, reason, job.getMetadata().getName(), e.getMessage());
    }
    if ("Warning".equals(type)) {
      LOG.infof("%s/%s: %s: %s", job.getMetadata().getNamespace(), job.getMetadata().getName(), reason, message);
    }
  }
}
