package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpSource(
    @Required @Size(min = 8, max = 2048) @Pattern("^https?://[^\\s]+$")
    @JsonPropertyDescription("Base URL (http or https) under which the data set's original file names are found, e.g. .../train-images-idx3-ubyte.gz.")
    String url,

    // Values are bounded to 64 hex characters by CrdWriter (the generator cannot annotate map values).
    @Size(max = 16)
    @JsonPropertyDescription("Optional SHA-256 (lower-case hex) per file name; a downloaded file whose digest differs is refused and not cached.")
    Map<String, String> sha256) {

  public HttpSource {
    sha256 = sha256 == null ? null : Map.copyOf(sha256);
  }
}
