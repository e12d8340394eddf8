package dev.hetero.training.e2e;

import dev.hetero.training.api.testing.JobYaml;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobStatus;
import dev.hetero.training.api.v1alpha1.JobCondition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Small helpers for jobs, their pods and their status in the e2e tests. */
final class Jobs {
  private Jobs() {
  }

  /**
   * The e2e job (the api test-jar's fixture): biased local SGD, 2 epochs, a global batch of 512, restarts after a
   * second or two, checkpoints on an emptyDir (this cluster binds no claims: no volume controller runs); tests add pools.
   */
  static JobYaml job(String name, String namespace) {
    return JobYaml.named(name).namespace(namespace).algorithm("biasedLocalSGD").epochs(2).globalBatch(512)
        .spec("runPolicy", runPolicy("")).spec("checkpoint", "{emptyDir: {}}");
  }

  /** A run policy with these entries ("backoffLimit: 1") and fast restarts, unless the entries give their own. */
  static String runPolicy(String entries) {
    if (entries.contains("restarts:")) {
      return "{" + entries + "}";
    }
    return "{" + (entries.isEmpty() ? "" : entries + ", ") + "restarts: " + JobYaml.FAST_RESTARTS + "}";
  }

  /**
   * A pool that selects only nodes labelled {@code e2e.hetero.dev/suite=<suite>}: the planner sees
   * every node of the shared cluster, and tests must not plan onto each other's. {@code extra} are
   * more fields of the pool as flow-mapping entries ("cpusPerWorker: 2"), or empty.
   */
  static String pool(String name, String deviceClass, int replicas, String suite, String extra) {
    return "{name: " + name + ", deviceClass: " + deviceClass + ", replicas: " + replicas
        + (extra.isEmpty() ? "" : ", " + extra) + ", nodeSelector: {e2e.hetero.dev/suite: " + suite + "}}";
  }

  static void namespace(KubernetesClient client, String name) {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).serverSideApply();
  }

  static Map<String, String> suite(String suite) {
    return Map.of("e2e.hetero.dev/suite", suite);
  }

  static HeteroTrainingJob await(KubernetesClient client, String namespace, String name, Predicate<HeteroTrainingJob> condition,
      int seconds) {
    return client.resources(HeteroTrainingJob.class).inNamespace(namespace).withName(name)
        .waitUntilCondition(j -> j != null && condition.test(j), seconds, TimeUnit.SECONDS);
  }

  /**
   * Waits until {@code value} satisfies {@code done} (Awaitility, polling every 500 ms); on timeout
   * fails naming what was awaited and describing the last value seen.
   */
  static <T> T until(String what, int seconds, Supplier<T> value, Predicate<T> done, Function<T, String> describe) {
    AtomicReference<T> last = new AtomicReference<>();
    try {
      Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> {
            last.set(value.get());
            return done.test(last.get());
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + seconds + " s waiting for " + what + "; last seen: "
          + (last.get() == null ? "nothing" : describe.apply(last.get())), e);
    }
    return last.get();
  }

  static boolean phase(HeteroTrainingJob job, String phase) {
    return job.getStatus() != null && job.getStatus().phase() != null && job.getStatus().phase().name().equals(phase);
  }

  static Optional<JobCondition> condition(HeteroTrainingJob job, String type) {
    HeteroTrainingJobStatus status = job.getStatus();
    if (status == null || status.conditions() == null) {
      return Optional.empty();
    }
    return status.conditions().stream().filter(c -> type.equals(c.type())).findFirst();
  }

  static List<Pod> workerPods(KubernetesClient client, String namespace, String job) {
    return client.pods().inNamespace(namespace).withLabel("training.hetero.dev/job", job).list().getItems();
  }

  static List<Pod> awaitRunningPods(KubernetesClient client, String namespace, String job, int count, int seconds) {
    return until(count + " running pods of " + job, seconds, () -> workerPods(client, namespace, job),
        pods -> pods.size() == count && pods.stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() == null
            && p.getStatus() != null && "Running".equals(p.getStatus().getPhase())),
        pods -> pods.stream().map(p -> p.getMetadata().getName() + "=" + (p.getStatus() == null ? "?" : p.getStatus().getPhase())
            + "@" + p.getSpec().getNodeName()).toList().toString());
  }

  /** Makes a (kwok) worker pod exit with this code: the project's kwok stages watch the annotation. */
  static void exitWith(KubernetesClient client, String namespace, String pod, String code) {
    client.pods().inNamespace(namespace).withName(pod).edit(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p).editMetadata()
        .addToAnnotations(Cluster.EXIT_CODE_ANNOTATION, code).endMetadata().build());
  }

  static String env(Pod pod, String name) {
    return pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> name.equals(e.getName()))
        .map(e -> e.getValue()).findFirst().orElse(null);
  }
}
