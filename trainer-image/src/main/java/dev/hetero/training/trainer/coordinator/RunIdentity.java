package dev.hetero.training.trainer.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which run a checkpoint belongs to: the job, the model and its size, the data set and its size,
 * and the seed. A coordinator resumes only from a checkpoint whose identity equals its own, so a
 * volume reused by another job, or a job whose model was changed, never trains on from foreign
 * state. A field is null when the checkpoint's format predates it (version 1 knew only the seed,
 * the model size and the data-set size) and is then not compared.
 */
public record RunIdentity(String namespace, String job, String model, Integer modelSize, String dataset, Integer datasetSize,
    Long seed) {

  /** What differs from {@code expected}, one phrase per field, naming both values; empty when this run may resume. */
  public List<String> differences(RunIdentity expected) {
    List<String> out = new ArrayList<>();
    if (namespace != null && job != null && !(namespace + "/" + job).equals(expected.namespace + "/" + expected.job)) {
      out.add("job " + namespace + "/" + job + " (this job: " + expected.namespace + "/" + expected.job + ")");
    }
    compare(out, "model", model, expected.model, "");
    compare(out, "model size", modelSize, expected.modelSize, " values");
    compare(out, "dataset", dataset, expected.dataset, "");
    compare(out, "dataset size", datasetSize, expected.datasetSize, " training samples");
    compare(out, "seed", seed, expected.seed, "");
    return out;
  }

  private static void compare(List<String> out, String what, Object saved, Object expected, String unit) {
    if (saved != null && !Objects.equals(saved, expected)) {
      out.add(what + " " + saved + unit + " (this job: " + expected + unit + ")");
    }
  }
}
