package dev.hetero.training.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.operator.model.JobLabels;
import dev.hetero.training.operator.model.JobStatuses;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one place status is written. Skips the write when the operator's part is unchanged; sends
 * only the operator's fields, so {@code training} and {@code workers} (field manager
 * hetero-trainer) are never touched. Server-side apply in production; JSON merge patch where the
 * API server cannot apply (the Fabric8 mock server answers 415).
 *
 * <p>Remembers what it last wrote: the informer may lag behind a write, and a reconcile that read
 * the older status would otherwise recount restarts or flip conditions back.
 */
@ApplicationScoped
public class StatusWriter {
  static final String[] OPERATOR_FIELDS = {"observedGeneration", "phase", "conditions", "plan", "pools", "workersReady",
      "startTime", "completionTime", "restartCount", "restarts"};

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Map<String, HeteroTrainingJob> lastWritten = new ConcurrentHashMap<>();

  @Inject
  KubernetesClient client;

  @ConfigProperty(name = "quarkus.operator-sdk.enable-ssa", defaultValue = "true")
  boolean serverSideApply;

  /** The job's status as this operator knows it: the cached one, or what it wrote since if newer. */
  public HeteroTrainingJobStatus freshest(HeteroTrainingJob job) {
    HeteroTrainingJob written = lastWritten.get(job.getMetadata().getUid());
    if (written != null && written.getMetadata().getResourceVersion() != null
        && job.getMetadata().getResourceVersion() != null
        && newer(written.getMetadata().getResourceVersion(), job.getMetadata().getResourceVersion())) {
      return merge(job.getStatus(), written.getStatus());
    }
    if (written != null) {
      lastWritten.remove(job.getMetadata().getUid(), written);
    }
    return job.getStatus();
  }

  /** Writes {@code desired} (operator fields only) when it differs from {@code current}; true when written. */
  public boolean write(HeteroTrainingJob job, HeteroTrainingJobStatus current, HeteroTrainingJobStatus desired) {
    if (Objects.equals(JobStatuses.operatorPart(current), desired)) {
      return false;
    }
    ObjectNode status = MAPPER.valueToTree(desired);
    status.remove("training");
    status.remove("workers");
    var resource = client.resources(HeteroTrainingJob.class)
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .subresource("status");
    HeteroTrainingJob updated;
    if (serverSideApply) {
      ObjectNode body = MAPPER.createObjectNode();
      body.put("apiVersion", HeteroTrainingJob.API_VERSION);
      body.put("kind", HeteroTrainingJob.KIND);
      body.putObject("metadata").put("name", job.getMetadata().getName())
          .put("namespace", job.getMetadata().getNamespace());
      body.set("status", status);
      // Fields of ours left out of the apply are removed; the trainer's fields are not ours.
      updated = resource.patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
          .withFieldManager(JobLabels.OPERATOR_NAME).withForce(true).build(), body.toString());
    } else {
      updated = resource.patch(PatchContext.of(PatchType.JSON), jsonPatch(current, status).toString());
    }
    if (updated != null && updated.getMetadata() != null) {
      lastWritten.put(job.getMetadata().getUid(), updated);
    }
    return true;
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

  /** Forget a job (deleted); memory of 200 jobs is small, but never unbounded. */
  public void forget(String uid) {
    lastWritten.remove(uid);
  }

  public void retainOnly(java.util.Set<String> uids) {
    lastWritten.keySet().retainAll(uids);
  }

  private static HeteroTrainingJobStatus merge(HeteroTrainingJobStatus cached, HeteroTrainingJobStatus written) {
    // Keep the trainer's latest fields from the cache; the operator's from what it wrote.
    return new HeteroTrainingJobStatus(written.observedGeneration(), written.phase(), written.conditions(), written.plan(),
        written.pools(), written.workersReady(), cached == null ? null : cached.training(),
        cached == null ? null : cached.workers(), written.startTime(), written.completionTime(), written.restartCount(),
        written.restarts());
  }

  /**
   * resourceVersions are opaque, but etcd's (and the mock server's) are increasing integers; anything
   * else is treated as "not newer", which only costs a redundant write.
   */
  static boolean newer(String a, String b) {
    try {
      return Long.parseLong(a) > Long.parseLong(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
