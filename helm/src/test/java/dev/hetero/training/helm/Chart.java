package dev.hetero.training.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The chart under helm/hetero-training-operator, rendered through helm-java (Helm v3.21, offline). */
final class Chart {
  /** Release name and namespace of the plain manifests and of most tests. */
  static final String RELEASE = "hetero-training-operator";
  static final String NAMESPACE = "hetero-training-system";
  /** helm-java's default .Capabilities.KubeVersion is v1.20, below the chart's kubeVersion constraint. */
  static final String KUBE_VERSION = System.getProperty("helm.kubeVersion", "v1.36.0");

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {
  }

  /** Root of the checkout (helm/..), from the surefire property or the working directory. */
  static Path projectRoot() {
    String configured = System.getProperty("project.root");
    Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    root = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("crds")) || !Files.isDirectory(root.resolve("helm"))) {
      throw new IllegalStateException("not the project root (no crds/ and helm/): " + root);
    }
    return root;
  }

  static Path chartDir() {
    return projectRoot().resolve("helm/hetero-training-operator");
  }

  /** helm template of the chart with the given --set values (keys in Helm's dotted syntax). */
  static String template(Map<String, Object> sets) {
    return template(RELEASE, NAMESPACE, sets);
  }

  static String template(String release, String namespace, Map<String, Object> sets) {
    TemplateCommand command = new Helm(chartDir()).template()
        .withName(release)
        .withNamespace(namespace)
        .withKubeVersion(KUBE_VERSION)
        .skipCrds();
    sets.forEach(command::set);
    return command.call();
  }

  /** helm template with a values file (-f), e.g. the chart's ci/*-values.yaml. */
  static String templateWithValuesFile(Path valuesFile) {
    return new Helm(chartDir()).template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION)
        .withValuesFile(valuesFile)
        .skipCrds()
        .call();
  }

  /** The rendered documents, each as a typed fabric8 object (unknown kinds as GenericKubernetesResource). */
  static List<HasMetadata> render(Map<String, Object> sets) {
    return parse(template(sets));
  }

  static List<HasMetadata> parse(String multiDocumentYaml) {
    List<HasMetadata> resources = new ArrayList<>();
    for (String document : documents(multiDocumentYaml)) {
      resources.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
    }
    return resources;
  }

  /** The non-empty documents of a multi-document YAML stream, comments kept. */
  static List<String> documents(String multiDocumentYaml) {
    List<String> documents = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(multiDocumentYaml)) {
      boolean hasContent = document.lines().map(String::strip).anyMatch(l -> !l.isEmpty() && !l.startsWith("#"));
      if (hasContent) {
        documents.add(document.strip() + "\n");
      }
    }
    return documents;
  }

  static <T extends HasMetadata> List<T> ofType(List<HasMetadata> resources, Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T single(List<HasMetadata> resources, Class<T> type) {
    List<T> found = ofType(resources, type);
    if (found.size() != 1) {
      throw new AssertionError("expected exactly one " + type.getSimpleName() + ", found " + found.size() + ": "
          + found.stream().map(r -> r.getMetadata().getName()).toList());
    }
    return found.get(0);
  }

  static Map<String, Object> sets(Object... keyValues) {
    Map<String, Object> sets = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      sets.put((String) keyValues[i], keyValues[i + 1]);
    }
    return sets;
  }
}
