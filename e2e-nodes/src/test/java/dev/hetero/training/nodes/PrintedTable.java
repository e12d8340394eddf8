package dev.hetero.training.nodes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kubectl get} printed, read as a user reads it: columns by their header, cut at the
 * header's offsets (a column may be empty, so splitting on spaces would shift the others).
 */
public record PrintedTable(List<String> headers, List<Map<String, String>> rows) {

  public static PrintedTable parse(String output) {
    String[] lines = output.stripTrailing().split("\n");
    String header = lines[0];
    List<Integer> starts = new java.util.ArrayList<>();
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < header.length(); i++) {
      if (header.charAt(i) != ' ' && (i == 0 || header.charAt(i - 1) == ' ')) {
        starts.add(i);
        int end = header.indexOf(' ', i);
        names.add(header.substring(i, end < 0 ? header.length() : end));
      }
    }
    List<Map<String, String>> rows = new java.util.ArrayList<>();
    for (int l = 1; l < lines.length; l++) {
      String line = lines[l];
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < starts.size(); c++) {
        int from = Math.min(starts.get(c), line.length());
        int to = c + 1 < starts.size() ? Math.min(starts.get(c + 1), line.length()) : line.length();
        row.put(names.get(c), line.substring(from, to).strip());
      }
      rows.add(row);
    }
    return new PrintedTable(List.copyOf(names), List.copyOf(rows));
  }

  public Map<String, String> row(String name) {
    return rows.stream().filter(r -> name.equals(r.get("NAME"))).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in " + rows));
  }
}
