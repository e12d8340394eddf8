package dev.hetero.training.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.Fixtures;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What kubectl users rely on: descriptions, columns, status subresource, bounded lists and strings. */
public class CrdSchemaTest {
  private static CustomResourceDefinition crd;
  private static CustomResourceDefinitionVersion version;

  @BeforeAll
  static void load() throws Exception {
    crd = Serialization.unmarshal(Files.readString(Fixtures.repoRoot().resolve("crds").resolve(CrdWriter.FILE_NAME)),
        CustomResourceDefinition.class);
    version = crd.getSpec().getVersions().get(0);
  }

  @Test
  void namesScopeAndSubresource() {
    assertThat(crd.getMetadata().getName()).isEqualTo("heterotrainingjobs.training.hetero.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("htj");
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getStorage()).isTrue();
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void everyFieldHasADescription() {
    List<String> undescribed = new ArrayList<>();
    walk("", version.getSchema().getOpenAPIV3Schema(), (path, schema) -> {
      if (schema.getDescription() == null || schema.getDescription().isBlank()) {
        undescribed.add(path.isEmpty() ? "<root>" : path);
      }
    });
    assertThat(undescribed).as("fields without description (kubectl explain would be empty)").isEmpty();
  }

  @Test
  void everyStringAndListIsBoundedInSpec() {
    // The API server estimates CEL cost from maxLength/maxItems; unbounded fields make rules too costly.
    List<String> unbounded = new ArrayList<>();
    walk("", version.getSchema().getOpenAPIV3Schema().getProperties().get("spec"), (path, schema) -> {
      if ("array".equals(schema.getType()) && schema.getMaxItems() == null) {
        unbounded.add(path);
      }
      if ("object".equals(schema.getType()) && schema.getAdditionalProperties() != null && schema.getMaxProperties() == null) {
        unbounded.add(path);
      }
      if ("string".equals(schema.getType()) && schema.getMaxLength() == null && schema.getEnum() == null
          && schema.getPattern() == null) {
        unbounded.add(path);
      }
    });
    assertThat(unbounded).isEmpty();
  }

  @Test
  void printerColumnsSelectConditionsByTypeNeverByPosition() {
    List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
    assertThat(columns).extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Phase", "Workers", "Epoch", "Accuracy", "Samples/s", "Algorithm", "Slowest", "Updated", "Running",
            "Reason", "Age");
    assertThat(columns).extracting(CustomResourceColumnDefinition::getJsonPath)
        .noneMatch(p -> p.contains("[-1:]") || p.matches(".*conditions\\[\\d+].*"))
        .contains(".status.conditions[?(@.type==\"Running\")].status");
  }

  @Test
  void celRulesCarryMessagesThatNameTheirField() {
    List<ValidationRule> rules = celRules(crd);
    assertThat(rules).hasSizeGreaterThanOrEqualTo(13);
    assertThat(rules).allSatisfy(r -> assertThat(r.getMessage()).startsWith("spec."));
    assertThat(rules).extracting(ValidationRule::getRule).doesNotHaveDuplicates();
  }

  @Test
  void conditionsAndWorkersMergeByKeyUnderServerSideApply() {
    Map<String, JSONSchemaProps> status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status").getProperties();
    assertThat(status.get("conditions").getXKubernetesListType()).isEqualTo("map");
    assertThat(status.get("conditions").getXKubernetesListMapKeys()).containsExactly("type");
    assertThat(status.get("workers").getXKubernetesListMapKeys()).containsExactly("name");
  }

  @Test
  void nestedSpecObjectsDefaultToEmptySoTheirFieldsGetDefaults() {
    Map<String, JSONSchemaProps> spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties();
    for (String field : List.of("allocation", "sampling", "aggregation", "runPolicy", "checkpoint")) {
      assertThat(spec.get(field).getDefault()).as(field).isNotNull();
    }
  }

  /** Every CEL rule in the CRD, list items included. */
  public static List<ValidationRule> celRules(CustomResourceDefinition crd) {
    List<ValidationRule> rules = new ArrayList<>();
    collectRules(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), rules);
    return rules;
  }

  private static void collectRules(JSONSchemaProps schema, List<ValidationRule> rules) {
    if (schema == null) {
      return;
    }
    if (schema.getXKubernetesValidations() != null) {
      rules.addAll(schema.getXKubernetesValidations());
    }
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(child -> collectRules(child, rules));
    }
    if (schema.getItems() != null) {
      collectRules(schema.getItems().getSchema(), rules);
    }
    if (schema.getAdditionalProperties() != null) {
      collectRules(schema.getAdditionalProperties().getSchema(), rules);
    }
  }

  interface Visitor {
    void visit(String path, JSONSchemaProps schema);
  }

  static void walk(String path, JSONSchemaProps schema, Visitor visitor) {
    if (schema == null) {
      return;
    }
    visitor.visit(path, schema);
    if (schema.getProperties() != null) {
      schema.getProperties().forEach((name, child) -> walk(path.isEmpty() ? name : path + "." + name, child, visitor));
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      JSONSchemaProps items = schema.getItems().getSchema();
      // The list itself carries the description; items are described by their fields.
      if (items.getProperties() != null) {
        items.getProperties().forEach((name, child) -> walk(path + "[]." + name, child, visitor));
      }
    }
  }
}
