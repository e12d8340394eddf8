package dev.hetero.training.trainer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line in-process and captures what it prints. */
public final class TrainerMainAccess {
  /** The jar's entry point, which the local runner starts its workers with. */
  public static final String MAIN_CLASS = TrainerMain.class.getName();

  private TrainerMainAccess() {
  }

  public record Result(int code, String out, String err) {
  }

  public static Result execute(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TrainerMain.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
