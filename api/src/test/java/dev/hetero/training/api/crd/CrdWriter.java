package dev.hetero.training.api.crd;

import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the CRD YAML from the Java model. Run by the build (exec-maven-plugin) into
 * target/crds; the update-crds profile runs it into crds/ at the root.
 *
 * <p>The Fabric8 generator does most of the work; this class fixes what it cannot express:
 * printer columns in declaration order (it sorts them by name, putting Age first), rules on
 * record components emitted twice (once from the field, once from the accessor), descriptions
 * of the top-level fields, and list types that make server-side apply merge conditions and
 * workers by key.
 */
public final class CrdWriter {

  public static final String FILE_NAME = HeteroTrainingJob.CRD_NAME + "-v1.yml";

  private CrdWriter() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CrdWriter <output-directory>");
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out);
    Path target = out.resolve(FILE_NAME);
    String yaml = generate();
    // Write then rename, so an interrupted build never leaves a half-written CRD behind.
    Path tmp = Files.createTempFile(out, FILE_NAME, ".tmp");
    Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("CRD written to " + target.toAbsolutePath());
  }

  /** The finished CRD YAML. */
  public static String generate() throws IOException {
    Path raw = Files.createTempDirectory("crd-raw");
    try {
      new CRDGenerator()
          .customResourceClasses(HeteroTrainingJob.class)
          .forCRDVersions("v1")
          .inOutputDir(raw.toFile())
          .generate();
      CustomResourceDefinition crd = Serialization.unmarshal(
          Files.readString(raw.resolve(FILE_NAME)), CustomResourceDefinition.class);
      polish(crd);
      return "# Generated from api/ (dev.hetero.training.api.v1alpha1) by CrdWriter. Do not edit:\n"
          + "# change the Java model and run ./mvnw -pl api -Pupdate-crds process-test-classes\n"
          + Serialization.asYaml(crd);
    } finally {
      try (var files = Files.walk(raw)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void polish(CustomResourceDefinition crd) {
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    version.setAdditionalPrinterColumns(inDeclaredOrder(version.getAdditionalPrinterColumns()));
    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
    dedupeRules(root);
    root.setDescription("A training job whose workers run on a mix of GPU and CPU nodes: the operator plans"
        + " workers from node capacity and the trainer runs biased local SGD among them.");
    Map<String, JSONSchemaProps> top = root.getProperties();
    describe(top, "apiVersion", "training.hetero.dev/v1alpha1");
    describe(top, "kind", "HeteroTrainingJob");
    describe(top, "metadata", "Standard object metadata.");
    describe(top, "spec", "What to train, on which data, with which algorithm, on which pools of workers."
        + " The operator never writes here: defaults come from this schema, derived values go to status.");
    describe(top, "status", "Observed state. The operator owns phase, conditions, plan, pools and restarts;"
        + " the trainer's coordinator owns training and workers (server-side apply, field manager hetero-trainer).");
    // Map values cannot carry annotations: bound the SHA-256 digests here.
    JSONSchemaProps digest = top.get("spec").getProperties().get("dataset").getProperties().get("source")
        .getProperties().get("http").getProperties().get("sha256").getAdditionalProperties().getSchema();
    digest.setMinLength(64L);
    digest.setMaxLength(64L);
    digest.setPattern("^[a-f0-9]{64}$");
    digest.setDescription("Lower-case hex SHA-256 of the file named by the key.");
    JSONSchemaProps status = top.get("status");
    keyedList(status.getProperties().get("conditions"), "type");
    keyedList(status.getProperties().get("workers"), "name");
    keyedList(status.getProperties().get("restarts"), "reason");
  }

  private static List<CustomResourceColumnDefinition> inDeclaredOrder(List<CustomResourceColumnDefinition> columns) {
    List<String> declared = Arrays.stream(HeteroTrainingJob.class.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name)
        .toList();
    List<CustomResourceColumnDefinition> sorted = new ArrayList<>(columns);
    sorted.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
    return sorted;
  }

  private static void dedupeRules(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    List<ValidationRule> rules = schema.getXKubernetesValidations();
    if (rules != null && !rules.isEmpty()) {
      Map<String, ValidationRule> unique = new LinkedHashMap<>();
      rules.forEach(r -> unique.putIfAbsent(r.getRule() + "\u0000" + r.getMessage(), r));
      schema.setXKubernetesValidations(new ArrayList<>(unique.values()));
    }
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(CrdWriter::dedupeRules);
    }
    if (schema.getItems() != null) {
      dedupeRules(schema.getItems().getSchema());
    }
    if (schema.getAdditionalProperties() != null) {
      dedupeRules(schema.getAdditionalProperties().getSchema());
    }
  }

  private static void describe(Map<String, JSONSchemaProps> properties, String name, String description) {
    JSONSchemaProps property = properties.get(name);
    if (property != null && property.getDescription() == null) {
      property.setDescription(description);
    }
  }

  private static void keyedList(JSONSchemaProps list, String key) {
    list.setXKubernetesListType("map");
    list.setXKubernetesListMapKeys(List.of(key));
    JSONSchemaProps item = list.getItems().getSchema();
    List<String> required = item.getRequired() == null ? new ArrayList<>() : new ArrayList<>(item.getRequired());
    if (!required.contains(key)) {
      required.add(key);
    }
    item.setRequired(required);
  }
}
