package dev.hetero.training.helm;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the tables of docs/operator-contract.md, the single source the chart is checked against. */
final class OperatorContract {
  /** One permission: verb on group/resource; the unit RBAC tables are compared in. */
  record Permission(String apiGroup, String resource, String verb) implements Comparable<Permission> {
    @Override
    public int compareTo(Permission o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource + ":" + verb;
    }
  }

  private static final Pattern BACKTICKED = Pattern.compile("`([^`]*)`");

  private OperatorContract() {
  }

  static String text() {
    try {
      return Files.readString(Chart.projectRoot().resolve("docs/operator-contract.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Environment variable names of the "Configuration" table. */
  static List<String> environmentVariables() {
    List<String> names = new ArrayList<>();
    for (List<String> row : tableRows(section(text(), "## Configuration"))) {
      Matcher m = BACKTICKED.matcher(row.get(0));
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Every permission of the "RBAC the operator needs" table. */
  static Set<Permission> permissions() {
    return permissionsOfTable(section(text(), "## RBAC"));
  }

  /** Permissions of a markdown table whose first three columns are apiGroups, resources, verbs. */
  static Set<Permission> permissionsOfTable(String markdown) {
    Set<Permission> permissions = new TreeSet<>();
    for (List<String> row : tableRows(markdown)) {
      List<String> groups = backticked(row.get(0));
      List<String> resources = backticked(row.get(1));
      List<String> verbs = Arrays.stream(row.get(2).replace("`", "").split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
      if (groups.isEmpty() || resources.isEmpty() || verbs.isEmpty()) {
        throw new IllegalStateException("unreadable RBAC table row: " + row);
      }
      for (String group : groups) {
        String g = group.equals("\"\"") ? "" : group;
        for (String resource : resources) {
          for (String verb : verbs) {
            permissions.add(new Permission(g, resource, verb));
          }
        }
      }
    }
    if (permissions.isEmpty()) {
      throw new IllegalStateException("no RBAC table found");
    }
    return permissions;
  }

  static Set<Permission> permissionsOf(Collection<PolicyRule> rules) {
    Set<Permission> permissions = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            permissions.add(new Permission(group, resource, verb));
          }
        }
      }
    }
    return permissions;
  }

  /** The text from a heading starting with the given prefix to the next heading of the same level. */
  static String section(String markdown, String headingPrefix) {
    int start = markdown.indexOf("\n" + headingPrefix);
    if (start < 0) {
      throw new IllegalStateException("no section '" + headingPrefix + "'");
    }
    String level = headingPrefix.substring(0, headingPrefix.indexOf(' ') + 1);
    int end = markdown.indexOf("\n" + level, start + 1);
    return end < 0 ? markdown.substring(start) : markdown.substring(start, end);
  }

  /** Body rows of the markdown tables in the text (header and separator rows dropped), as cells. */
  static List<List<String>> tableRows(String markdown) {
    List<List<String>> rows = new ArrayList<>();
    boolean previousWasTable = false;
    for (String line : markdown.lines().toList()) {
      String l = line.strip();
      if (!l.startsWith("|")) {
        previousWasTable = false;
        continue;
      }
      boolean separator = l.matches("\\|[-:| ]+\\|");
      if (!previousWasTable || separator) {
        previousWasTable = true; // header row, or the separator below it
        continue;
      }
      String inner = l.substring(1, l.endsWith("|") ? l.length() - 1 : l.length());
      rows.add(Arrays.stream(inner.split("(?<!\\\\)\\|", -1)).map(String::strip).toList());
    }
    return rows;
  }

  private static List<String> backticked(String cell) {
    List<String> values = new ArrayList<>();
    Matcher m = BACKTICKED.matcher(cell);
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }
}
