package dev.hetero.training.api.validation;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Looks enum constants up by the name they carry in YAML (their {@code @JsonProperty}). */
final class Enums {
  private Enums() {
  }

  static <E extends Enum<E>> E parse(Class<E> type, String wireName) {
    for (E constant : type.getEnumConstants()) {
      if (wireName.equals(wireNameOf(constant))) {
        return constant;
      }
    }
    throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + wireName + "'");
  }

  static String wireNameOf(Enum<?> constant) {
    try {
      JsonProperty property = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
      return property != null ? property.value() : constant.name();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
