package dev.hetero.training.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Generates the plain manifests from the chart, so that they cannot drift from it:
 * {@code k8s/install/} (numbered in apply order) and {@code k8s/kustomize/base/} (the same files
 * plus a kustomization.yaml) from {@code helm template} with default values, and the chart's copy
 * of {@code crds/}. {@link ManifestsDriftTest} compares the committed files with this output.
 *
 * <p>Regenerate with {@value #UPDATE_COMMAND}
 */
public final class ManifestsWriter {
  static final String UPDATE_COMMAND = "./mvnw -B -ntp -pl helm -Pupdate-manifests process-test-classes";
  static final String INSTALL_DIR = "k8s/install";
  static final String KUSTOMIZE_BASE_DIR = "k8s/kustomize/base";
  static final String CHART_CRDS_DIR = "helm/hetero-training-operator/crds";

  static final String NAMESPACE_FILE = "00-namespace.yaml";
  static final String CRD_FILE = "01-crd.yaml";
  static final String RBAC_FILE = "02-rbac.yaml";
  static final String OPERATOR_FILE = "03-operator.yaml";

  private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
  private static final Set<String> OPERATOR_KINDS = Set.of("Deployment", "Service");
  private static final Pattern KIND = Pattern.compile("(?m)^kind: (\\S+)\\s*$");
  /** Labels that claim Helm manages the object: wrong for kubectl- or kustomize-applied manifests. */
  private static final Pattern HELM_ONLY_LABEL = Pattern.compile("(?m)^\\s*(helm\\.sh/chart|app\\.kubernetes\\.io/managed-by): .*\\n");

  private static final String HEADER = """
      # Generated from the Helm chart helm/hetero-training-operator (helm template, default values,
      # release %s in namespace %s). Do not edit: change the chart, then run
      #   %s
      """.formatted(Chart.RELEASE, Chart.NAMESPACE, UPDATE_COMMAND);

  private ManifestsWriter() {
  }

  public static void main(String[] args) throws IOException {
    Path root = args.length > 0 ? Path.of(args[0]).toAbsolutePath().normalize() : Chart.projectRoot();
    System.setProperty("project.root", root.toString());
    Map<String, byte[]> files = render(root);
    for (String dir : List.of(INSTALL_DIR, KUSTOMIZE_BASE_DIR, CHART_CRDS_DIR)) {
      // Remove generated files that are no longer produced (e.g. a renamed CRD file).
      Path directory = root.resolve(dir);
      if (Files.isDirectory(directory)) {
        try (Stream<Path> existing = Files.list(directory)) {
          for (Path file : existing.filter(Files::isRegularFile).toList()) {
            if (!files.containsKey(root.relativize(file).toString().replace('\\', '/'))) {
              Files.delete(file);
              System.out.println("deleted " + root.relativize(file));
            }
          }
        }
      }
    }
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = root.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
      System.out.println("wrote " + file.getKey());
    }
  }

  /** Every generated file, keyed by its path relative to the project root. */
  static Map<String, byte[]> render(Path root) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> crd : rootCrds(root).entrySet()) {
      files.put(CHART_CRDS_DIR + "/" + crd.getKey(), crd.getValue());
    }
    Map<String, String> install = installFiles(root);
    install.forEach((name, text) -> files.put(INSTALL_DIR + "/" + name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    install.forEach((name, text) -> files.put(KUSTOMIZE_BASE_DIR + "/" + name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    files.put(KUSTOMIZE_BASE_DIR + "/kustomization.yaml", kustomization(install.keySet()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return files;
  }

  /** The files of crds/ at the root, by file name, as bytes. */
  static Map<String, byte[]> rootCrds(Path root) {
    Map<String, byte[]> crds = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(root.resolve("crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList()) {
        crds.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (crds.size() != 1) {
      throw new IllegalStateException("expected exactly one CRD file in crds/, found " + crds.keySet()
          + "; k8s/install/" + CRD_FILE + " holds a single CRD");
    }
    return crds;
  }

  /** k8s/install/ in apply order: namespace, CRD, RBAC, operator. */
  static Map<String, String> installFiles(Path root) {
    List<String> rbac = new ArrayList<>();
    List<String> operator = new ArrayList<>();
    for (String document : Chart.documents(Chart.template(Map.of()))) {
      String kind = kindOf(document);
      String plain = HELM_ONLY_LABEL.matcher(document).replaceAll("");
      if (RBAC_KINDS.contains(kind)) {
        rbac.add(plain);
      } else if (OPERATOR_KINDS.contains(kind)) {
        operator.add(plain);
      } else {
        throw new IllegalStateException("the default chart renders a " + kind
            + " that ManifestsWriter does not place in any k8s/install file; add it to a file there");
      }
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put(NAMESPACE_FILE, HEADER + namespace());
    files.put(CRD_FILE, new String(rootCrds(root).values().iterator().next(), java.nio.charset.StandardCharsets.UTF_8));
    files.put(RBAC_FILE, HEADER + join(rbac));
    files.put(OPERATOR_FILE, HEADER + join(operator));
    return files;
  }

  private static String namespace() {
    return """
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels:
            app.kubernetes.io/part-of: hetero-training
            # The operator pod meets the restricted Pod Security Standard.
            pod-security.kubernetes.io/enforce: restricted
        """.formatted(Chart.NAMESPACE);
  }

  private static String kustomization(Set<String> resources) {
    return """
        # Kustomize base: the same files as k8s/install/ (kustomize cannot load files outside its
        # directory). Generated; do not edit: change the chart, then run
        #   %s
        # Customise through an overlay, see ../overlays/example.
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
        %s""".formatted(UPDATE_COMMAND, resources.stream().map(r -> "  - " + r + "\n").collect(Collectors.joining()));
  }

  private static String join(List<String> documents) {
    return documents.stream().map(d -> "---\n" + d).collect(Collectors.joining());
  }

  static String kindOf(String document) {
    Matcher matcher = KIND.matcher(document);
    if (!matcher.find()) {
      throw new IllegalStateException("rendered document without a kind:\n" + document);
    }
    return matcher.group(1);
  }
}
