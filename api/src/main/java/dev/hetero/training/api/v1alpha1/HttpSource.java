package dev.hetero.training.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpSource(
    @Required @Size(min = 8, max = 2048) @Pattern("^https?://[^\\s]+$")
    @JsonPropertyDescription("Base URL (http or https) under which the data set's original file names are found, e.g. .../train-images-idx3-ubyte.gz.")
    String url,

    @Size(max = 16)
    @ValidationRule(value = "self.all(k, size(k) <= 255 && self[k].matches('^[a-f0-9]{64}$'))",
        message = "spec.dataset.source.http.sha256: every value must be a 64-character lower-case hex SHA-256")
    @JsonPropertyDescription("Optional SHA-256 (lower-case hex) per file name; a downloaded file whose digest differs is refused and not cached.")
    Map<String, String> sha256) {

  public HttpSource {
    sha256 = sha256 == null ? null : Map.copyOf(sha256);
  }
}
