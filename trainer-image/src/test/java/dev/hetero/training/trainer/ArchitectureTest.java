package dev.hetero.training.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shape of the trainer's main sources: packages along the data flow without cycles, small files. */
class ArchitectureTest {
  static final Path MAIN = Path.of("src/main/java/dev/hetero/training/trainer");
  static final Pattern REFERENCE = Pattern.compile("dev\\.hetero\\.training\\.trainer\\.([a-z]+)\\.[A-Z]");
  static final int MAX_LINES = 350;

  /** Package -> the trainer packages its files name (imports and fully qualified names). */
  static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
        Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            out.add(m.group(1));
          }
        }
      }
    }
    return deps;
  }

  /** The first cycle found, as a path a -> b -> ... -> a, or an empty list. */
  static List<String> cycle(Map<String, Set<String>> deps) {
    Map<String, Integer> state = new HashMap<>();
    Deque<String> path = new ArrayDeque<>();
    for (String start : deps.keySet()) {
      List<String> found = visit(start, deps, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> visit(String pkg, Map<String, Set<String>> deps, Map<String, Integer> state, Deque<String> path) {
    Integer s = state.get(pkg);
    if (s != null && s == 2) {
      return List.of();
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>();
      List<String> onPath = new ArrayList<>(path);
      java.util.Collections.reverse(onPath);
      cycle.addAll(onPath.subList(onPath.indexOf(pkg), onPath.size()));
      cycle.add(pkg);
      return cycle;
    }
    state.put(pkg, 1);
    path.push(pkg);
    for (String next : deps.getOrDefault(pkg, Set.of())) {
      List<String> found = visit(next, deps, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    path.pop();
    state.put(pkg, 2);
    return List.of();
  }

  @Test
  void theCycleFinderFindsACycle() {
    Map<String, Set<String>> deps = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
    assertThat(cycle(new TreeMap<>(deps))).containsExactly("a", "b", "c", "a");
    assertThat(cycle(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of())))).isEmpty();
  }

  @Test
  void noImportCycleBetweenTrainerPackages() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    assertThat(deps).containsKeys("round", "worker", "coordinator", "net", "process");
    assertThat(cycle(deps)).as("package dependencies %s", deps).isEmpty();
  }

  @Test
  void theRoundLoopAndTheWorkerSideKnowNoTransport() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    assertThat(deps.get("process")).as("the parser sees references").contains("coordinator", "net", "worker");
    assertThat(deps.get("round")).isEmpty();
    assertThat(deps.get("coordinator")).doesNotContain("net", "worker", "checkpoint", "observe", "process", "config");
    assertThat(deps.get("worker")).doesNotContain("net", "coordinator");
    assertThat(deps.get("net")).doesNotContain("worker", "coordinator");
  }

  @Test
  void noMainSourceFileIsOver350Lines() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        assertThat(Files.readAllLines(f)).as(f.toString()).hasSizeLessThanOrEqualTo(MAX_LINES);
      }
    }
  }

  @Test
  void onlyTheSettingsParserReadsTheEnvironment() throws IOException {
    Pattern read = Pattern.compile("System\\.getenv|env\\.get\\(|getenv\\(");
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String name = f.getFileName().toString();
        if (name.equals("EnvReader.java") || name.equals("TrainerMain.java")) {
          continue;
        }
        assertThat(read.matcher(Files.readString(f)).find()).as(f + " reads the environment").isFalse();
      }
    }
  }
}
