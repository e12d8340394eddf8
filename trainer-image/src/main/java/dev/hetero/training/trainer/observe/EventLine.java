package dev.hetero.training.trainer.observe;

import dev.hetero.training.trainer.coordinator.AppliedRound;
import dev.hetero.training.trainer.coordinator.EvaluationReport;
import dev.hetero.training.trainer.coordinator.RoundReport;
import dev.hetero.training.trainer.round.AscentStats;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rank 0's machine-readable progress on stdout: {@code @htj <kind> key=value ...}. The local
 * runner parses these lines; in a pod they are the log. Values never contain spaces or the token.
 */
public record EventLine(String kind, Map<String, String> fields) {
  public static final String PREFIX = "@htj ";

  public static String format(String kind, Object... keyValues) {
    StringBuilder s = new StringBuilder(PREFIX).append(kind);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      Object v = keyValues[i + 1];
      String text = v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(v);
      s.append(' ').append(keyValues[i]).append('=').append(text.replace(' ', '_'));
    }
    return s.toString();
  }

  /** The event on this line, or null for any other line. */
  public static EventLine parse(String line) {
    if (line == null || !line.startsWith(PREFIX)) {
      return null;
    }
    String[] parts = line.substring(PREFIX.length()).trim().split(" ");
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) {
        fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
      }
    }
    return new EventLine(parts[0], fields);
  }

  public double number(String key) {
    String v = fields.get(key);
    if (v == null) {
      throw new IllegalArgumentException("event " + kind + " has no field " + key);
    }
    return Double.parseDouble(v);
  }

  /** The asyncSAM totals appended to the done event (empty without asyncSAM workers). */
  public static String ascentFields(AscentStats a) {
    if (a == null) {
      return "";
    }
    return format("", "perturbed", a.perturbed(), "unperturbed", a.unperturbed(), "ageSum", a.ageSum(), "maxAge", a.maxAge(),
        "waitSeconds", a.waitSeconds(), "stepSeconds", a.stepSeconds(), "perturbationBatch", a.perturbationBatch(),
        "helperUtilisation", a.helperUtilisation()).substring(PREFIX.length());
  }

  /** The asyncSAM totals of a done event, or null when it has none. */
  public static AscentStats toAscent(EventLine done) {
    if (!done.fields().containsKey("perturbed")) {
      return null;
    }
    return new AscentStats((int) done.number("perturbed"), (int) done.number("unperturbed"), done.number("ageSum"),
        (long) done.number("maxAge"), done.number("waitSeconds"), done.number("stepSeconds"),
        (int) done.number("perturbationBatch"), done.number("helperUtilisation"));
  }

  public static String format(RoundReport r) {
    return format("round", "round", r.round(), "samples", r.samples(), "epoch", r.epoch(), "epochs", r.budgetEpochs(),
        "lr", r.learningRate(), "loss", r.trainLoss(), "elapsed", r.elapsedSeconds(), "virtual", r.virtualSeconds(),
        "sps", r.samplesPerSecond(), "slowest", r.slowestShare());
  }

  /** The work applied in a round: weights with 9 significant digits, steps and batches, comma-separated by rank. */
  public static String format(AppliedRound a) {
    StringBuilder weights = new StringBuilder();
    for (double w : a.weights()) {
      weights.append(weights.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9g", w));
    }
    return format("applied", "round", a.round(), "plan", a.planVersion(), "weights", weights, "steps", joined(a.steps()),
        "batches", joined(a.batches()));
  }

  public static AppliedRound toApplied(EventLine e) {
    return new AppliedRound((long) e.number("round"), (long) e.number("plan"),
        Arrays.stream(e.fields().get("weights").split(",")).mapToDouble(Double::parseDouble).toArray(),
        Arrays.stream(e.fields().get("steps").split(",")).mapToInt(Integer::parseInt).toArray(),
        Arrays.stream(e.fields().get("batches").split(",")).mapToInt(Integer::parseInt).toArray());
  }

  private static String joined(int[] values) {
    return Arrays.stream(values).mapToObj(String::valueOf).collect(Collectors.joining(","));
  }

  public static String format(EvaluationReport e) {
    return format("eval", "round", e.round(), "samples", e.samples(), "epoch", e.epoch(), "lr", e.learningRate(),
        "loss", e.trainLoss(), "testLoss", e.testLoss(), "accuracy", e.accuracy(), "elapsed", e.elapsedSeconds(),
        "virtual", e.virtualSeconds(), "sps", e.samplesPerSecond());
  }

  public static EvaluationReport toEvaluation(EventLine e) {
    return new EvaluationReport((long) e.number("round"), (long) e.number("samples"), e.number("epoch"), e.number("lr"),
        e.number("loss"), e.number("testLoss"), e.number("accuracy"), e.number("elapsed"), e.number("virtual"), e.number("sps"));
  }

  public static RoundReport toRound(EventLine e) {
    return new RoundReport((long) e.number("round"), (long) e.number("samples"), e.number("epoch"), e.number("epochs"),
        e.number("lr"), e.number("loss"), e.number("elapsed"), e.number("virtual"), e.number("sps"),
        e.fields().containsKey("slowest") ? e.number("slowest") : Double.NaN);
  }
}
