package dev.hetero.training.operator.model;

import java.time.Instant;

/** RFC 3339 times as the API server and this operator write them, read with a fallback. */
public final class Times {
  private Times() {
  }

  public static Instant parse(String time, Instant fallback) {
    if (time == null || time.isBlank()) {
      return fallback;
    }
    try {
      return Instant.parse(time);
    } catch (RuntimeException e) {
      return fallback;
    }
  }
}
