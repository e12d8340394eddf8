package dev.hetero.training.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.operator.model.JobLabels;
import dev.hetero.training.operator.model.JobStatuses;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one place status is written (Flink's StatusRecorder). Skips the write when the operator's
 * part is unchanged; sends only the operator's fields, so {@code training} and {@code workers}
 * (field manager hetero-trainer) are never part of a request. Server-side apply on the status
 * subresource, field manager hetero-training-operator, in production; an RFC 6902 JSON patch where
 * the API server cannot apply (the Fabric8 and Quarkus mock servers answer 415).
 *
 * <p>Either request goes through JOSDK's {@code resourceOperations().resourcePatch(...)} on the
 * controller's event source: the response is put into the primary cache, so the next reconcile
 * sees this write even when the informer has not delivered it yet, and the write's own event does
 * not trigger a reconcile. No copy of the last write is kept here.
 */
@ApplicationScoped
public class StatusRecorder {
  static final String[] OPERATOR_FIELDS = {"observedGeneration", "phase", "conditions", "plan", "pools", "workersReady",
      "startTime", "completionTime", "restartCount", "restarts", "assignments", "coordinator"};

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ConfigProperty(name = "quarkus.operator-sdk.enable-ssa", defaultValue = "true")
  boolean serverSideApply;

  /** Writes {@code desired} (operator fields only) when it differs from the job's status; true when written. */
  public boolean record(HeteroTrainingJob job, HeteroTrainingJobStatus desired, Context<HeteroTrainingJob> context) {
    HeteroTrainingJobStatus current = job.getStatus();
    if (Objects.equals(JobStatuses.operatorPart(current), desired)) {
      return false;
    }
    ObjectNode status = MAPPER.valueToTree(desired);
    status.remove("training");
    status.remove("workers");
    UnaryOperator<HeteroTrainingJob> write = j -> {
      var resource = context.getClient().resources(HeteroTrainingJob.class).inNamespace(j.getMetadata().getNamespace())
          .withName(j.getMetadata().getName()).subresource("status");
      return serverSideApply
          ? resource.patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
              .withFieldManager(JobLabels.OPERATOR_NAME).withForce(true).build(), applyBody(j, status).toString())
          : resource.patch(PatchContext.of(PatchType.JSON), jsonPatch(current, status).toString());
    };
    context.resourceOperations().resourcePatch(job, write, context.eventSourceRetriever().getControllerEventSource());
    return true;
  }

  /** The apply request: fields of ours left out are removed by the API server; the trainer's are not ours. */
  static ObjectNode applyBody(HeteroTrainingJob job, ObjectNode status) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("apiVersion", HeteroTrainingJob.API_VERSION);
    body.put("kind", HeteroTrainingJob.KIND);
    body.putObject("metadata").put("name", job.getMetadata().getName()).put("namespace", job.getMetadata().getNamespace());
    body.set("status", status);
    return body;
  }

  /**
   * Without server-side apply: an RFC 6902 patch that sets each operator field and leaves the
   * trainer's alone (a merge patch would do too, but the mock server merges arrays instead of
   * replacing them).
   */
  static ArrayNode jsonPatch(HeteroTrainingJobStatus current, ObjectNode status) {
    ArrayNode ops = MAPPER.createArrayNode();
    if (current == null) {
      ops.addObject().put("op", "add").put("path", "/status").set("value", status);
      return ops;
    }
    for (String field : OPERATOR_FIELDS) {
      ObjectNode op = ops.addObject().put("op", "add").put("path", "/status/" + field);
      op.set("value", status.has(field) ? status.get(field) : MAPPER.nullNode());
    }
    return ops;
  }
}
