package dev.hetero.training.e2e;

import dev.hetero.training.api.testing.JobYaml;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A HeteroTrainingJob as plain maps, so a test can write anything a user might (including what
 * the Java records would never produce) and let the API server judge it.
 */
final class JobManifest {
  private JobManifest() {
  }

  /** The api test-jar's job (two GPU and two CPU workers) as plain maps, for the API server to judge. */
  static GenericKubernetesResource valid(String name, String namespace) {
    String yaml = JobYaml.named(name).namespace(namespace).algorithm("biasedLocalSGD").epochs(2).perWorkerBatch(32)
        .dataPath("/data/fashion-mnist").gpuPool("gpu", 2).cpuPool("cpu", 2).yaml();
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  /** Sets a value at a dotted path below the object ("spec.training.batch.global"; list index as "pools.0"). */
  @SuppressWarnings("unchecked")
  static void set(GenericKubernetesResource job, String path, Object value) {
    String[] parts = path.split("\\.");
    Object node = job.getAdditionalProperties();
    for (int i = 0; i < parts.length - 1; i++) {
      node = child(node, parts[i]);
    }
    String last = parts[parts.length - 1];
    if (node instanceof List<?> list) {
      ((List<Object>) list).set(Integer.parseInt(last), value);
    } else {
      ((Map<String, Object>) node).put(last, value);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object child(Object node, String key) {
    if (node instanceof List<?> list) {
      return list.get(Integer.parseInt(key));
    }
    Map<String, Object> map = (Map<String, Object>) node;
    return map.computeIfAbsent(key, k -> new java.util.LinkedHashMap<String, Object>());
  }

  @SuppressWarnings("unchecked")
  static List<Object> pools(GenericKubernetesResource job) {
    return (List<Object>) ((Map<String, Object>) job.getAdditionalProperties().get("spec")).get("pools");
  }

  static List<Object> list(Object... items) {
    return new ArrayList<>(List.of(items));
  }
}
