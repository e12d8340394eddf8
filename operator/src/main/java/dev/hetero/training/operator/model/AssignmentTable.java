package dev.hetero.training.operator.model;

import dev.hetero.training.api.v1alpha1.PlannedWorker;
import dev.hetero.training.api.v1alpha1.WorkerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The per-worker table of status.assignments, pure: the plan (worker, rank, node, device,
 * capacity, batch, local steps, weight) joined with what the trainer measured (samples/s, last
 * round) and the worker's state (the trainer's phase, or why it does not train). kubectl's
 * generic describer prints status fields in alphabetical order and a list of strings one per
 * line, so this field, named to sort first, reads as a table at the top of the status; the
 * columns are padded here because the describer aligns only tab-separated cells.
 */
public final class AssignmentTable {
  static final List<String> HEADER = List.of("WORKER", "RANK", "NODE", "DEVICE", "CAPACITY", "BATCH", "STEPS", "WEIGHT",
      "SAMPLES/S", "ROUND", "STATE");

  private AssignmentTable() {
  }

  /** The header line and one line per planned worker, in rank order; empty without a plan. */
  public static List<String> rows(List<PlannedWorker> plan, List<WorkerStatus> measured, List<WorkerAvailability.Missing> missing) {
    if (plan == null || plan.isEmpty()) {
      return List.of();
    }
    Map<String, WorkerStatus> byName = measured == null ? Map.of()
        : measured.stream().filter(w -> w.name() != null).collect(Collectors.toMap(WorkerStatus::name, Function.identity(), (a, b) -> b));
    Map<String, WorkerAvailability.Missing> down = missing.stream()
        .collect(Collectors.toMap(WorkerAvailability.Missing::worker, Function.identity(), (a, b) -> a));
    List<List<String>> cells = new ArrayList<>();
    cells.add(HEADER);
    plan.stream().sorted(java.util.Comparator.comparing(PlannedWorker::rank)).forEach(w -> {
      WorkerStatus m = byName.get(w.worker());
      WorkerAvailability.Missing d = down.get(w.worker());
      String state = d != null ? d.why() : m != null && m.phase() != null ? m.phase() : "Running";
      cells.add(List.of(w.worker(), String.valueOf(w.rank()), orDash(w.node()),
          w.deviceClass() == null ? "-" : w.deviceClass().wireName(), number(w.capacity(), "%.2f"),
          w.batchSize() == null ? "-" : String.valueOf(w.batchSize()), w.localSteps() == null ? "-" : String.valueOf(w.localSteps()),
          number(w.weight(), "%.3f"), m == null || m.samplesPerSecond() == null ? "-" : String.valueOf(Math.round(m.samplesPerSecond())),
          m == null || m.lastRound() == null ? "-" : String.valueOf(m.lastRound()), state));
    });
    int[] widths = new int[HEADER.size()];
    for (List<String> row : cells) {
      for (int i = 0; i < row.size() - 1; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(i == row.size() - 1 ? bounded(cell) : cell + " ".repeat(widths[i] - cell.length() + 2));
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  private static String number(Double value, String format) {
    return value == null ? "-" : String.format(Locale.ROOT, format, value);
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private static String bounded(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }
}
