package dev.hetero.training.api.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** JSON form of the {@link PlanDocument}; stable key order so unchanged plans compare equal. */
public final class PlanCodec {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private PlanCodec() {
  }

  public static String toJson(PlanDocument plan) {
    try {
      return MAPPER.writeValueAsString(plan);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise plan of job " + plan.jobName(), e);
    }
  }

  /** Parses a plan; a malformed document fails with a message that says where. */
  public static PlanDocument fromJson(String json) {
    try {
      return MAPPER.readValue(json, PlanDocument.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed plan document: " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
    }
  }
}
