package dev.hetero.training.api.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a HeteroTrainingJob manifest (the same YAML a cluster user applies) for places without an
 * API server. Unknown fields and bad enum values are refused with the field's path, the way
 * {@code kubectl apply} with strict field validation would.
 */
public final class JobManifests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private JobManifests() {
  }

  public static HeteroTrainingJob read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidManifestException(file + ": no such file");
    } catch (IOException e) {
      throw new InvalidManifestException(file + ": cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses and checks kind/apiVersion and the spec's rules; throws with every problem listed. */
  public static HeteroTrainingJob parse(String yaml, String origin) {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException(origin + ": not valid YAML: " + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidManifestException(origin + ": expected one HeteroTrainingJob object");
    }
    String apiVersion = tree.path("apiVersion").asText("");
    String kind = tree.path("kind").asText("");
    if (!HeteroTrainingJob.KIND.equals(kind) || !HeteroTrainingJob.API_VERSION.equals(apiVersion)) {
      throw new InvalidManifestException(origin + ": expected apiVersion " + HeteroTrainingJob.API_VERSION + " and kind "
          + HeteroTrainingJob.KIND + ", got apiVersion '" + apiVersion + "' and kind '" + kind + "'");
    }
    HeteroTrainingJob job;
    try {
      job = YAML.treeToValue(tree, HeteroTrainingJob.class);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidManifestException(origin + ": " + path(e.getPath()) + ": unknown field");
    } catch (InvalidFormatException e) {
      throw new InvalidManifestException(origin + ": " + path(e.getPath()) + ": invalid value '" + e.getValue() + "'"
          + (e.getTargetType() != null && e.getTargetType().isEnum() ? allowed(e.getTargetType()) : ""));
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException(origin + ": " + e.getOriginalMessage());
    }
    if (job.getMetadata() == null || job.getMetadata().getName() == null || job.getMetadata().getName().isBlank()) {
      throw new InvalidManifestException(origin + ": metadata.name: required");
    }
    List<String> problems = SpecValidator.validate(job.getSpec());
    if (!problems.isEmpty()) {
      throw new InvalidManifestException(origin + ": invalid HeteroTrainingJob " + job.getMetadata().getName() + ":\n  - "
          + String.join("\n  - ", problems));
    }
    return job;
  }

  private static String path(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> refs) {
    StringBuilder s = new StringBuilder();
    for (var ref : refs) {
      if (ref.getFieldName() != null) {
        if (!s.isEmpty()) {
          s.append('.');
        }
        s.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        s.append('[').append(ref.getIndex()).append(']');
      }
    }
    return s.toString();
  }

  private static String allowed(Class<?> enumType) {
    return " (allowed: " + java.util.Arrays.stream(enumType.getEnumConstants())
        .map(c -> dev.hetero.training.api.v1alpha1.WireNamed.WireNames.of((Enum<?>) c))
        .collect(Collectors.joining(", ")) + ")";
  }

  /** A manifest that cannot be used; the message names the file and every problem. */
  public static final class InvalidManifestException extends RuntimeException {
    public InvalidManifestException(String message) {
      super(message);
    }
  }
}
