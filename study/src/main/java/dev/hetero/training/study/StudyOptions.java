package dev.hetero.training.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The study's options (via -Dstudy.args="..."): --epochs N (2) --seeds N (3) --parallel N (2) --batch B (64)
 * --lr X (0.05) --evals-per-epoch N (10: 20 evaluations in the 2-epoch budget) --margin POINTS (1.0)
 * --data DIR (/usr/share/datasets/fashion-mnist) --levels 4x-2f6s,32x-8f2s,8x-2f2s,32x-4f2s (all)
 * --from-runs true (re-summarise docs/study/runs) --machine-checks false (skip the wall-clock run and step costs)
 * --stop-after-minutes M (start no run after M minutes of grid: the rest are listed as skipped)
 * --benchmarks FILE (docs/benchmarks.md beside --out: its headline block is replaced).
 *
 * @param studyArgs the raw -Dstudy.args text, to name the command in every figure
 */
public record StudyOptions(Path out, Path data, int epochs, int seeds, int parallel, int batch, double learningRate, int evaluationsPerEpoch,
    double marginPoints, List<Level> levels, boolean fromRuns, boolean machineChecks, double stopAfterMinutes, Path benchmarks,
    String studyArgs) {

  public static StudyOptions parse(String[] args) {
    Map<String, String> o = new HashMap<>();
    List<String> flat = new ArrayList<>();
    List<String> studyArgs = new ArrayList<>();
    for (String a : args) {
      if (!a.isBlank()) {
        flat.addAll(List.of(a.trim().split("\\s+")));
      }
    }
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (!flat.get(i).startsWith("--")) {
        throw new IllegalArgumentException("expected an option, got " + flat.get(i));
      }
      o.put(flat.get(i), flat.get(i + 1));
      if (!flat.get(i).equals("--out")) {
        studyArgs.add(flat.get(i) + " " + flat.get(i + 1));
      }
    }
    Path out = Path.of(o.getOrDefault("--out", "docs/study")).toAbsolutePath();
    return new StudyOptions(out, Path.of(o.getOrDefault("--data", "/usr/share/datasets/fashion-mnist")),
        Integer.parseInt(o.getOrDefault("--epochs", "2")), Integer.parseInt(o.getOrDefault("--seeds", "3")),
        Integer.parseInt(o.getOrDefault("--parallel", "2")), Integer.parseInt(o.getOrDefault("--batch", "64")),
        Double.parseDouble(o.getOrDefault("--lr", "0.05")), Integer.parseInt(o.getOrDefault("--evals-per-epoch", "10")),
        Double.parseDouble(o.getOrDefault("--margin", "1.0")),
        Arrays.stream(o.getOrDefault("--levels", String.join(",", Level.ALL.stream().map(Level::name).toList())).split(","))
            .map(Level::byName).toList(),
        Boolean.parseBoolean(o.getOrDefault("--from-runs", "false")), Boolean.parseBoolean(o.getOrDefault("--machine-checks", "true")),
        Double.parseDouble(o.getOrDefault("--stop-after-minutes", "Infinity")),
        Path.of(o.getOrDefault("--benchmarks", out.resolveSibling("benchmarks.md").toString())), String.join(" ", studyArgs));
  }

  /**
   * The command that produced the figures: Maven's own command line when Maven started us
   * (MAVEN_CMD_LINE_ARGS, which loses the quotes around -Dstudy.args: put back), else the documented one.
   */
  public String command(String mavenCommandLine) {
    String quotedArgs = studyArgs.isEmpty() ? "" : " \"-Dstudy.args=" + studyArgs + "\"";
    if (mavenCommandLine == null || mavenCommandLine.isBlank()) {
      return "./mvnw -B -ntp -pl study -am -Pstudy verify" + quotedArgs;
    }
    String line = mavenCommandLine.trim();
    int at = line.indexOf("-Dstudy.args=");
    if (at >= 0) {
      line = (line.substring(0, at).trim() + " " + line.substring(at + "-Dstudy.args=".length()).replace(studyArgs, "").trim()).trim()
          + quotedArgs;
    }
    return "./mvnw " + line;
  }
}
