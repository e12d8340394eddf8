package dev.hetero.training.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's values table and values.yaml list the same keys with the same defaults. A row may
 * document a whole object (e.g. resources); otherwise every leaf of values.yaml needs its own row.
 */
class ChartReadmeTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode values;
  private static Map<String, String> documented;

  @BeforeAll
  static void read() throws IOException {
    values = YAML.readTree(Chart.chartDir().resolve("values.yaml").toFile());
    String readme = Files.readString(Chart.chartDir().resolve("README.md"));
    documented = new LinkedHashMap<>();
    for (List<String> row : OperatorContract.tableRows(OperatorContract.section(readme, "## Values"))) {
      String key = unquote(row.get(0));
      String previous = documented.put(key, unquote(row.get(1)));
      assertThat(previous).as("README documents %s twice", key).isNull();
    }
  }

  @Test
  void everyValueIsDocumented() {
    List<String> undocumented = new ArrayList<>();
    for (String leaf : leaves(values, "")) {
      if (documentingKey(leaf) == null) {
        undocumented.add(leaf);
      }
    }
    assertThat(undocumented).as("values.yaml keys missing from the README's values table").isEmpty();
  }

  @Test
  void everyDocumentedKeyExistsWithTheDocumentedDefault() throws IOException {
    assertThat(documented).hasSizeGreaterThan(20);
    for (Map.Entry<String, String> row : documented.entrySet()) {
      JsonNode node = at(row.getKey());
      assertThat(node).as("README documents %s, which values.yaml does not have", row.getKey()).isNotNull();
      assertThat(JSON.readTree(row.getValue()))
          .as("default of %s in the README (%s) vs values.yaml (%s)", row.getKey(), row.getValue(), JSON.writeValueAsString(node))
          .isEqualTo(node);
    }
  }

  @Test
  void noRowDocumentsTheChildOfAnotherRow() {
    Set<String> keys = new TreeSet<>(documented.keySet());
    for (String key : keys) {
      assertThat(keys).as("%s is documented as a whole and in parts", key).noneMatch(other -> other.startsWith(key + "."));
    }
  }

  @Test
  void schemaKnowsEveryTopLevelValue() throws IOException {
    JsonNode schema = JSON.readTree(Chart.chartDir().resolve("values.schema.json").toFile());
    Set<String> schemaKeys = new TreeSet<>();
    schema.path("properties").fieldNames().forEachRemaining(schemaKeys::add);
    schemaKeys.remove("global");
    Set<String> valueKeys = new TreeSet<>();
    values.fieldNames().forEachRemaining(valueKeys::add);

    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(schemaKeys).isEqualTo(valueKeys);
  }

  private static String documentingKey(String leaf) {
    String candidate = leaf;
    while (true) {
      if (documented.containsKey(candidate)) {
        return candidate;
      }
      int dot = candidate.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      candidate = candidate.substring(0, dot);
    }
  }

  /** Paths of scalars, lists and empty maps: what a user sets. */
  private static List<String> leaves(JsonNode node, String path) {
    List<String> leaves = new ArrayList<>();
    if (node.isObject() && !node.isEmpty()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> child = it.next();
        leaves.addAll(leaves(child.getValue(), path.isEmpty() ? child.getKey() : path + "." + child.getKey()));
      }
    } else {
      leaves.add(path);
    }
    return leaves;
  }

  private static JsonNode at(String dottedKey) {
    JsonNode node = values;
    for (String part : dottedKey.split("\\.")) {
      node = node.get(part);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private static String unquote(String cell) {
    String c = cell.strip();
    assertThat(c).as("README table cell %s is in backticks", cell).startsWith("`").endsWith("`");
    return c.substring(1, c.length() - 1);
  }
}
