package dev.hetero.training.trainer.config;

import java.util.List;

/** The environment is wrong; the message names every bad variable and why, one per line. */
public final class InvalidSettingsException extends IllegalArgumentException {
  private final List<String> problems;

  InvalidSettingsException(String message, List<String> problems) {
    super(message);
    this.problems = problems;
  }

  /** One entry per problem: {@code NAME: why}. */
  public List<String> problems() {
    return problems;
  }
}
