package dev.hetero.training.trainer.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads typed values out of an environment and collects every problem instead of stopping at the
 * first, so a misconfigured pod is fixed in one go. The only place the trainer reads environment
 * variables. A value is echoed in a problem only when it is not secret.
 */
final class EnvReader {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  /** The trimmed value, or null when unset or blank. */
  String optional(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** The value exactly as set, blank included (an empty device list means "no devices", not "unset"), or null. */
  String asSet(String name) {
    return env.get(name);
  }

  String required(String name) {
    String v = optional(name);
    if (v == null) {
      problem(name, "required, not set");
    }
    return v;
  }

  /** Required, and never echoed in a message. */
  String secret(String name) {
    return required(name);
  }

  String text(String name, String fallback) {
    String v = optional(name);
    return v == null ? fallback : v;
  }

  Path path(String name) {
    return parse(name, Path::of, p -> true, "a path");
  }

  Path requiredPath(String name) {
    if (optional(name) == null) {
      problem(name, "required, not set");
      return null;
    }
    return path(name);
  }

  int positiveInt(String name, int fallback) {
    Integer v = optionalPositiveInt(name);
    return v == null ? fallback : v;
  }

  Integer optionalPositiveInt(String name) {
    return parse(name, Integer::valueOf, n -> n > 0, "a positive integer");
  }

  /** Whole seconds, at least 1. */
  Duration seconds(String name, Duration fallback) {
    Integer v = optionalPositiveInt(name);
    return v == null ? fallback : Duration.ofSeconds(v);
  }

  /** Seconds with a fraction, more than 0 (e.g. 0.2). */
  Duration fractionalSeconds(String name, Duration fallback) {
    Double v = number(name, false);
    return v == null ? fallback : Duration.ofNanos(Math.round(v * 1e9));
  }

  /** Milliseconds, 0 allowed. */
  Duration millis(String name, Duration fallback) {
    Long v = parse(name, Long::valueOf, n -> n >= 0, "a whole number of milliseconds >= 0");
    return v == null ? fallback : Duration.ofMillis(v);
  }

  /** A finite number, > 0 or (with {@code zeroAllowed}) >= 0; null when unset. */
  Double number(String name, boolean zeroAllowed) {
    return parse(name, Double::valueOf, d -> Double.isFinite(d) && (d > 0 || zeroAllowed && d == 0),
        "a number " + (zeroAllowed ? ">= 0" : "> 0"));
  }

  /** The parsed value, or null when unset; a value that does not parse or is not valid is a problem. */
  private <T> T parse(String name, Function<String, T> parser, Predicate<T> valid, String expectation) {
    String v = optional(name);
    if (v == null) {
      return null;
    }
    try {
      T parsed = parser.apply(v);
      if (valid.test(parsed)) {
        return parsed;
      }
    } catch (RuntimeException ignored) {
      // NumberFormatException, InvalidPathException: reported below
    }
    problem(name, "must be " + expectation + ", got '" + v + "'");
    return null;
  }

  /** One of the given words (case-insensitive); the fallback when unset. */
  <E> E oneOf(String name, E fallback, Map<String, E> words) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    E e = words.get(v.toLowerCase(Locale.ROOT));
    if (e == null) {
      problem(name, "must be one of " + String.join(", ", new java.util.TreeSet<>(words.keySet())) + ", got '" + v + "'");
      return fallback;
    }
    return e;
  }

  /** host:port, not resolved (the coordinator's DNS name may not exist yet when a worker starts). */
  InetSocketAddress hostPort(String name) {
    String v = required(name);
    if (v == null) {
      return null;
    }
    int colon = v.lastIndexOf(':');
    if (colon > 0) {
      try {
        int port = Integer.parseInt(v.substring(colon + 1));
        if (port >= 0 && port <= 65535) {
          return InetSocketAddress.createUnresolved(v.substring(0, colon), port);
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    problem(name, "must be host:port, got '" + v + "'");
    return null;
  }

  URI uri(String name, String value) {
    try {
      URI u = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if (u.getScheme() != null && u.getHost() != null) {
        return u;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    problem(name, "must be an http(s) URL, got '" + value + "'");
    return null;
  }

  void problem(String name, String why) {
    problems.add(name + ": " + why);
  }

  /** Throws one exception naming every problem found, if any. */
  void failIfProblems(String what) {
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(what + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
          + ":\n  " + String.join("\n  ", problems), List.copyOf(problems));
    }
  }
}
