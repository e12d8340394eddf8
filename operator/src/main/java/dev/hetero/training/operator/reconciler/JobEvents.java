package dev.hetero.training.operator.reconciler;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.operator.model.Hashes;
import dev.hetero.training.operator.model.JobEvent;
import dev.hetero.training.operator.model.JobLabels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on the job ({@code kubectl describe htj} shows them), folded like Flink's
 * EventUtils: an Event's name is the job's name, the reason and a short hash of what makes two
 * events "the same" (job UID, reason, key), so a repeat finds the existing Event and bumps its
 * {@code count} and {@code lastTimestamp} (and takes the newest message) instead of adding one.
 * Best effort: an event that cannot be written is logged, never a reason to fail a reconcile.
 */
@ApplicationScoped
public class JobEvents {
  private static final Logger LOG = Logger.getLogger(JobEvents.class);
  private static final String HOST = System.getenv().getOrDefault("HOSTNAME", "local");

  @Inject
  KubernetesClient client;
  @Inject
  Clock clock;

  public void emit(HeteroTrainingJob job, JobEvent event) {
    String namespace = job.getMetadata().getNamespace();
    String name = name(job, event);
    String now = clock.instant().toString();
    String message = event.message().length() > 1000 ? event.message().substring(0, 990) + " ..." : event.message();
    var events = client.v1().events().inNamespace(namespace);
    try {
      if (!created(events, build(job, event, name, message, now))) {
        Event existing = events.withName(name).get();
        if (existing == null) {
          created(events, build(job, event, name, message, now));
        } else {
          Map<String, Object> patch = new LinkedHashMap<>();
          // The resourceVersion makes the bump conditional: a concurrent one fails instead of being lost silently.
          patch.put("metadata", Map.of("resourceVersion", existing.getMetadata().getResourceVersion()));
          patch.put("count", (existing.getCount() == null ? 1 : existing.getCount()) + 1);
          patch.put("lastTimestamp", now);
          patch.put("message", message);
          events.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
        }
      }
    } catch (KubernetesClientException e) {
      LOG.debugf("event %s %s for %s not written: %s", event.reason(), name, job.getMetadata().getName(), e.getMessage());
    }
    if ("Warning".equals(event.reason().eventType())) {
      LOG.infof("%s/%s: %s: %s", namespace, job.getMetadata().getName(), event.reason(), event.message());
    }
  }

  /** Deterministic: {@code <job>.<reason>.<hash of job UID, reason and key>}. */
  static String name(HeteroTrainingJob job, JobEvent event) {
    String jobName = job.getMetadata().getName();
    String prefix = jobName.length() > 200 ? jobName.substring(0, 200) : jobName;
    return prefix + "." + event.reason().name().toLowerCase(Locale.ROOT) + "."
        + Hashes.shortHash(job.getMetadata().getUid() + "|" + event.reason() + "|" + event.key());
  }

  /** Creates the Event; false when one of that name exists already. */
  private static boolean created(NonNamespaceOperation<Event, EventList, Resource<Event>> events, Event event) {
    try {
      events.resource(event).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  private static Event build(HeteroTrainingJob job, JobEvent event, String name, String message, String now) {
    return new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(job.getMetadata().getNamespace()).endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(HeteroTrainingJob.API_VERSION).withKind(HeteroTrainingJob.KIND)
          .withName(job.getMetadata().getName()).withNamespace(job.getMetadata().getNamespace())
          .withUid(job.getMetadata().getUid())
        .endInvolvedObject()
        .withType(event.reason().eventType())
        .withReason(event.reason().name())
        .withMessage(message)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(JobLabels.OPERATOR_NAME).endSource()
        .withReportingComponent(JobLabels.OPERATOR_NAME).withReportingInstance(HOST)
        .build();
  }
}
