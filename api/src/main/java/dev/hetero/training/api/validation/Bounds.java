package dev.hetero.training.api.validation;

import java.util.List;

/** Numeric bounds, reported with the field's name as the API server would. */
final class Bounds {
  private Bounds() {
  }

  static void check(List<String> problems, String field, Number value, double min, double max) {
    if (value == null) {
      return;
    }
    double v = value.doubleValue();
    if (Double.isNaN(v) || v < min || v > max) {
      String bound = max >= Integer.MAX_VALUE ? "at least " + fmt(min) : "within [" + fmt(min) + ", " + fmt(max) + "]";
      problems.add(field + ": must be " + bound + ", got " + value);
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
