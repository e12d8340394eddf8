package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An enum whose YAML spelling is its constants' {@code @JsonProperty} value (Java constants are
 * upper case, the API's values camelCase or lower case). One place reads it, for messages and
 * lookups, so the enums themselves stay one line per value.
 */
public interface WireNamed {

  /** The value as written in YAML. */
  default String wireName() {
    return WireNames.of((Enum<?>) this);
  }

  /** The constant of {@code type} written as {@code wireName} in YAML. */
  static <E extends Enum<E> & WireNamed> E parse(Class<E> type, String wireName) {
    for (E constant : type.getEnumConstants()) {
      if (constant.wireName().equals(wireName)) {
        return constant;
      }
    }
    throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + wireName + "'");
  }

  /** Cache of the reflective look-up. */
  final class WireNames {
    private static final Map<Enum<?>, String> CACHE = new ConcurrentHashMap<>();

    private WireNames() {
    }

    public static String of(Enum<?> constant) {
      return CACHE.computeIfAbsent(constant, c -> {
        try {
          JsonProperty property = c.getDeclaringClass().getField(c.name()).getAnnotation(JsonProperty.class);
          return property != null ? property.value() : c.name();
        } catch (NoSuchFieldException e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }
}
