package dev.hetero.training.api.validation;

import dev.hetero.training.api.v1alpha1.DatasetSource;
import dev.hetero.training.api.v1alpha1.HeteroTrainingJobSpec;
import java.util.List;
import java.util.regex.Pattern;

/** Rules for spec.dataset: exactly one source, and each source well formed. */
final class SourceRules {
  private static final Pattern CLAIM_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
  private static final Pattern URL = Pattern.compile("^https?://[^\\s]+$");
  private static final Pattern SHA256 = Pattern.compile("^[a-f0-9]{64}$");

  private SourceRules() {
  }

  static void claimName(String field, String claim, List<String> problems) {
    if (claim == null || claim.length() > 253 || !CLAIM_NAME.matcher(claim).matches()) {
      problems.add(field + ": must be a valid object name, got '" + claim + "'");
    }
  }

  static void dataset(HeteroTrainingJobSpec spec, List<String> problems) {
    if (spec.dataset() == null) {
      problems.add("spec.dataset: required");
      return;
    }
    if (spec.dataset().name() == null) {
      problems.add("spec.dataset.name: required (one of fashion-mnist, mnist, cifar10)");
    }
    DatasetSource source = spec.dataset().source();
    if (source == null) {
      problems.add("spec.dataset.source: required");
      return;
    }
    int set = (source.path() != null ? 1 : 0) + (source.persistentVolumeClaim() != null ? 1 : 0) + (source.http() != null ? 1 : 0);
    if (set != 1) {
      problems.add("spec.dataset.source: set exactly one of path, persistentVolumeClaim or http");
    }
    if (source.path() != null && !source.path().startsWith("/")) {
      problems.add("spec.dataset.source.path: must be an absolute path, got '" + source.path() + "'");
    }
    if (source.persistentVolumeClaim() != null) {
      claimName("spec.dataset.source.persistentVolumeClaim.claimName", source.persistentVolumeClaim().claimName(), problems);
    }
    if (source.http() != null) {
      String url = source.http().url();
      if (url == null || url.length() > 2048 || !URL.matcher(url).matches()) {
        problems.add("spec.dataset.source.http.url: must be an http:// or https:// URL, got '" + url + "'");
      }
      if (source.http().sha256() != null) {
        source.http().sha256().forEach((file, digest) -> {
          if (digest == null || !SHA256.matcher(digest).matches()) {
            problems.add("spec.dataset.source.http.sha256: every value must be a 64-character lower-case hex SHA-256"
                + " (file " + file + ")");
          }
        });
      }
    }
  }
}
